# BiMem on Faster R-CNN with another backbone and neck than the digit
# default (SmallConvNet, no neck): a tiny ResNet-18 + PAFPN. Units: the
# input of the RoI classifier `roi_head.bbox_head.fc_cls` (the default).
_base_ = ['./bimem_scenes.py', './_tiny_resnet_fpn.py']
model = dict(
    model=dict(
        _delete_=True, cfg_path='mmdet::_base_/models/faster-rcnn_r50_fpn.py',
        data_preprocessor={{_base_.tiny_preprocessor}},
        backbone={{_base_.tiny_backbone}},
        neck=dict(type='PAFPN', in_channels=[8, 16, 32, 64], out_channels=32,
                  num_outs=4),
        rpn_head={{_base_.tiny_rpn}}, train_cfg={{_base_.tiny_train_cfg}},
        test_cfg={{_base_.tiny_test_cfg}},
        roi_head=dict(bbox_roi_extractor={{_base_.tiny_extractor}},
                      bbox_head={{_base_.tiny_bbox_head}})),
    units=dict(features='roi_head.bbox_head.fc_cls:input'))
