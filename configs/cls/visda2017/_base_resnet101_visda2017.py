# resnet101 (ImageNet init, as mmpretrain names it) on visda2017, default pair
# synthetic -> real. Swap the backbone by overriding model.backbone in a child.
_base_ = [
    'mmpretrain::_base_/models/resnet101.py',
    '../../_base_/datasets/visda2017_cls.py',
    '../../_base_/schedules/cls_adapt_sgd.py',
]
model = dict(
    backbone=dict(init_cfg=dict(
        type='Pretrained', prefix='backbone',
        checkpoint='https://download.openmmlab.com/mmclassification/v0/'
        'resnet/resnet101_8xb32_in1k_20210831-539c63f8.pth')),
    head=dict(num_classes=12),
    data_preprocessor={{_base_.data_preprocessor}})
