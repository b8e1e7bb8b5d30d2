# The black box of Cityscapes -> Foggy Cityscapes: Faster R-CNN R-50-FPN
# trained on Cityscapes with its labels (mmdet's Cityscapes recipe: batch 8,
# 8 x 8 epochs), evaluated on Foggy Cityscapes val. Wrapped as
# BoxProbsDetector so that tools/predict_blackbox.py --task det can store a
# class distribution per box; a bare Faster R-CNN checkpoint loads too.
_base_ = [
    '../_base_/models/faster_rcnn_r50_fpn_cityscapes.py',
    'mmdet::_base_/datasets/cityscapes_detection.py',
    'mmdet::_base_/schedules/schedule_1x.py',
    'mmdet::_base_/default_runtime.py',
]
custom_imports = dict(imports=['bimem_mm.det'], allow_failed_imports=False)
classes = ['person', 'rider', 'car', 'truck', 'bus', 'train', 'motorcycle',
           'bicycle']
model = dict(_delete_=True, type='bimem_mm.BoxProbsDetector',
             detector={{_base_.model}})
optim_wrapper = dict(optimizer=dict(lr=0.01))   # for a batch of 8
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=500),
    dict(type='MultiStepLR', begin=0, end=8, by_epoch=True, milestones=[7],
         gamma=0.1)
]
train_cfg = dict(max_epochs=8)   # of a dataset repeated 8 times
val_dataloader = dict(dataset=dict(
    data_root='data/foggy_cityscapes/',
    ann_file='annotations/foggy_beta_0.02_val.json',
    data_prefix=dict(img='leftImg8bit_foggy/val/')))
test_dataloader = val_dataloader
val_evaluator = dict(_delete_=True, type='VOCMetric', metric='mAP',
                     eval_mode='area', iou_thrs=0.5)
test_evaluator = val_evaluator
