# The target model of the digit-scene benchmarks: mmdet's Faster R-CNN with
# a small CNN (one stride-4 feature map, no FPN) and a narrow RoI head, so
# the whole pipeline runs on a CPU. Swap `backbone`/`neck` for any mmdet
# ones (tests/det swap in a ResNet-18 + 1-level FPN).
_base_ = ['mmdet::_base_/models/faster-rcnn_r50_fpn.py']
model = dict(
    data_preprocessor=dict(mean=[127.5, 127.5, 127.5],
                           std=[127.5, 127.5, 127.5], bgr_to_rgb=False,
                           pad_size_divisor=8),
    backbone=dict(_delete_=True, type='bimem_mm.SmallConvNet', in_channels=3,
                  channels=(16, 32, 64), downsample=(False, True, True)),
    neck=None,
    rpn_head=dict(
        in_channels=64, feat_channels=64,
        # anchors of 12 and 20 px for digits of 14-22 px
        anchor_generator=dict(scales=[3, 5], ratios=[0.5, 1.0, 2.0],
                              strides=[4])),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=64, featmap_strides=[4]),
        bbox_head=dict(in_channels=64, fc_out_channels=256,
                       num_classes=10)),
    # ignore_iof_thr: anchors / RoIs lying mostly inside an ignored box are
    # neither object nor background. Only adaptation has ignored boxes (the
    # black box's uncertain ones, `ignore_score_thr` of the BiMem
    # detectors); the scenes' labels have none, so it changes nothing else.
    train_cfg=dict(
        rpn=dict(sampler=dict(num=128), assigner=dict(ignore_iof_thr=0.5)),
        rpn_proposal=dict(nms_pre=300, max_per_img=100),
        rcnn=dict(sampler=dict(num=32),   # RoIs per image
                  assigner=dict(ignore_iof_thr=0.5))),
    test_cfg=dict(
        rpn=dict(nms_pre=300, max_per_img=100),
        rcnn=dict(max_per_img=20)))
