# The detector of Cityscapes -> Foggy Cityscapes (black box and target
# model alike): mmdet's Faster R-CNN R-50-FPN with the 8 Cityscapes classes,
# the ResNet-50 initialised from ImageNet as mmdet names it (never from the
# black box's weights).
_base_ = ['mmdet::_base_/models/faster-rcnn_r50_fpn.py']
model = dict(
    backbone=dict(init_cfg=dict(type='Pretrained',
                                checkpoint='torchvision://resnet50')),
    roi_head=dict(bbox_head=dict(
        num_classes=8,
        loss_bbox=dict(type='SmoothL1Loss', beta=1.0, loss_weight=1.0))))
