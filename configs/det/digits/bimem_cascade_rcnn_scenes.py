# BiMem on Cascade R-CNN (tiny ResNet-18 + FPN). Units: the pseudo boxes'
# RoI features at the LAST stage, the input of `roi_head.bbox_head.2.fc_cls`:
# its classifier is trained on RoIs of IoU >= 0.7 with their object, i.e. on
# well-placed boxes like the black box's, and its box regression is the one
# mmdet predicts with. Every stage trains on the calibrated labels.
_base_ = ['./bimem_scenes.py', './_tiny_resnet_fpn.py']
model = dict(
    model=dict(
        _delete_=True, cfg_path='mmdet::_base_/models/cascade-rcnn_r50_fpn.py',
        data_preprocessor={{_base_.tiny_preprocessor}},
        backbone={{_base_.tiny_backbone}}, neck={{_base_.tiny_neck}},
        rpn_head={{_base_.tiny_rpn}}, train_cfg={{_base_.tiny_train_cfg}},
        test_cfg={{_base_.tiny_test_cfg}},
        roi_head=dict(bbox_roi_extractor={{_base_.tiny_extractor}},
                      bbox_head={'0': {{_base_.tiny_bbox_head}},
                                 '1': {{_base_.tiny_bbox_head}},
                                 '2': {{_base_.tiny_bbox_head}}})),
    units=dict(features='roi_head.bbox_head.2.fc_cls:input'))
