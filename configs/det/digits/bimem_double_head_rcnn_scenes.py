# BiMem on Double-Head R-CNN (tiny ResNet-18 + FPN): its RoI head classifies
# with fully connected layers and regresses with convolutions. Units: the
# input of `roi_head.bbox_head.fc_cls`, the end of the FC (classification)
# branch.
_base_ = ['./bimem_scenes.py', './_tiny_resnet_fpn.py']
model = dict(
    model=dict(
        _delete_=True,
        cfg_path='mmdet::double_heads/dh-faster-rcnn_r50_fpn_1x_coco.py',
        data_preprocessor={{_base_.tiny_preprocessor}},
        backbone={{_base_.tiny_backbone}}, neck={{_base_.tiny_neck}},
        rpn_head={{_base_.tiny_rpn}}, train_cfg={{_base_.tiny_train_cfg}},
        test_cfg={{_base_.tiny_test_cfg}},
        roi_head=dict(bbox_roi_extractor={{_base_.tiny_extractor}},
                      bbox_head=dict(in_channels=32, conv_out_channels=32,
                                     fc_out_channels=64, num_classes=10))),
    units=dict(features='roi_head.bbox_head.fc_cls:input'))
