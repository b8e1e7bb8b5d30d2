# Shared by the architecture configs on digit scenes (cascade, PAFPN,
# double-head): mmdet's ResNet-18 at 1/8 width (8-64 channels) and 32-channel
# FPN levels, anchors of 16 px at stride 4 for digits of 14-22 px, narrow
# RoI heads. Referenced as {{_base_.tiny_backbone}} etc.
tiny_preprocessor = dict(type='DetDataPreprocessor', mean=[127.5] * 3,
                         std=[127.5] * 3, bgr_to_rgb=False,
                         pad_size_divisor=32)
tiny_backbone = dict(depth=18, base_channels=8, frozen_stages=-1,
                     norm_eval=False, init_cfg=None)
tiny_neck = dict(in_channels=[8, 16, 32, 64], out_channels=32, num_outs=4)
tiny_rpn = dict(in_channels=32, feat_channels=32,
                anchor_generator=dict(scales=[4], strides=[4, 8, 16, 32]))
tiny_extractor = dict(out_channels=32, featmap_strides=[4, 8, 16])
tiny_bbox_head = dict(in_channels=32, fc_out_channels=64, num_classes=10)
tiny_train_cfg = dict(rpn=dict(sampler=dict(num=128)),
                      rpn_proposal=dict(nms_pre=300, max_per_img=100))
tiny_test_cfg = dict(rpn=dict(nms_pre=300, max_per_img=100),
                     rcnn=dict(max_per_img=20))
