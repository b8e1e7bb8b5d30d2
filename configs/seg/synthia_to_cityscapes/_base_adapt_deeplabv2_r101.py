# SYNTHIA -> Cityscapes, the adaptation stages: as GTA5 -> Cityscapes with
# the 16 classes both datasets share. Cityscapes maps its other train ids to
# 255 by class name (metainfo). mIoU16 and mIoU13 (without wall, fence and
# pole, the 13-class protocol) are both reported.
_base_ = ['../gta5_to_cityscapes/_base_adapt_deeplabv2_r101.py']
classes = ['road', 'sidewalk', 'building', 'wall', 'fence', 'pole',
           'traffic light', 'traffic sign', 'vegetation', 'sky', 'person',
           'rider', 'car', 'bus', 'motorcycle', 'bicycle']
classes13 = [c for c in classes if c not in ('wall', 'fence', 'pole')]
num_classes = 16
bb_store = 'work_dirs/synthia_to_cityscapes/blackbox_store'
metainfo = dict(classes=classes)
load_bb = dict(_base_.load_bb, store=bb_store, num_classes=num_classes)
train_pipeline = ([dict(type='LoadImageFromFile'), load_bb]
                  + _base_.student_view + [dict(type='bimem_mm.PackSegBlackBox')])
train_pipeline_full_view = (
    [dict(type='LoadImageFromFile'), load_bb,
     dict(type='bimem_mm.KeepTeacherView')]
    + _base_.student_view + [dict(type='bimem_mm.PackSegBlackBox')])
model = dict(model=dict(decode_head=dict(num_classes=num_classes)))
train_dataloader = dict(dataset=dict(metainfo=metainfo,
                                     pipeline=train_pipeline))
memory_init_dataloader = dict(dataset=dict(metainfo=metainfo))
val_dataloader = dict(dataset=dict(metainfo=metainfo))
test_dataloader = val_dataloader
val_evaluator = dict(type='bimem_mm.SubsetIoUMetric', iou_metrics=['mIoU'],
                     subsets=dict(mIoU13=classes13))
test_evaluator = val_evaluator
