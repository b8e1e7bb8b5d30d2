# resnet50 (ImageNet init, as mmpretrain names it) on office31, default pair
# A -> W. Swap the backbone by overriding model.backbone in a child.
_base_ = [
    'mmpretrain::_base_/models/resnet50.py',
    '../../_base_/datasets/office31_cls.py',
    '../../_base_/schedules/cls_adapt_sgd.py',
]
model = dict(
    backbone=dict(init_cfg=dict(
        type='Pretrained', prefix='backbone',
        checkpoint='https://download.openmmlab.com/mmclassification/v0/'
        'resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth')),
    head=dict(num_classes=31),
    data_preprocessor={{_base_.data_preprocessor}})
