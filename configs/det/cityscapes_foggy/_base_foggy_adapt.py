# Shared by the adaptation stages on Foggy Cityscapes: the target Faster
# R-CNN (ImageNet init) wrapped by BiMem, trained on the black box's boxes.
_base_ = [
    '../_base_/models/faster_rcnn_r50_fpn_cityscapes.py',
    '../_base_/datasets/foggy_cityscapes.py',
    'mmdet::_base_/default_runtime.py',
    '../../_base_/bimem/bimem_official.py',
]
model = dict(
    _base_.bimem_wrapper, _delete_=True, type='bimem_mm.BiMemDetector',
    model=_base_.model,
    pseudo_score_thr=0.7,    # black-box boxes scoring below are unused
)
custom_hooks = _base_.bimem_hooks
max_iters = 20000
# lr for a total batch of 8 (4 GPUs x 2 images), as mmdet's Cityscapes recipe
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(
    type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=500),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=max_iters,
         milestones=[15000], gamma=0.1),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# the reported model is the last iterate: no best-checkpoint selection
default_hooks = dict(checkpoint=dict(type='CheckpointHook', by_epoch=False,
                                     interval=5000, max_keep_ckpts=2))
log_processor = dict(by_epoch=False)
