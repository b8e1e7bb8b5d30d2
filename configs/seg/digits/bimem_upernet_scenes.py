# BiMem on mmseg's UPerNet (ResNetV1c-18 at 1/8 width + UPerHead) for the
# digit scenes. Units: pixels of the head's fused FPN map, the output of
# `decode_head.fpn_bottleneck` (16-d, stride 4).
_base_ = ['./bimem_scenes.py']
bn = dict(type='BN', requires_grad=True)      # mmseg's base uses SyncBN
model = dict(
    model=dict(
        _delete_=True, cfg_path='mmseg::_base_/models/upernet_r50.py',
        data_preprocessor={{_base_.data_preprocessor}}, pretrained=None,
        backbone=dict(depth=18, in_channels=1, stem_channels=8,
                      base_channels=8, norm_cfg=bn),
        decode_head=dict(in_channels=[8, 16, 32, 64], channels=16,
                         pool_scales=(1, 2), num_classes=11, norm_cfg=bn),
        auxiliary_head=None),
    units=dict(features='decode_head.fpn_bottleneck'))
