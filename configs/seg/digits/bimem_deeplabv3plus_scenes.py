# BiMem on mmseg's DeepLabV3+ (DepthwiseSeparableASPPHead), shrunk for the
# digit scenes (ResNetV1c-18 at 1/8 width, output stride 8, the decoder at
# 1/4). Units: pixels of the decoder's 16-d feature, the output of
# `decode_head.sep_bottleneck` (the map conv_seg classifies).
_base_ = ['./bimem_scenes.py']
bn = dict(type='BN', requires_grad=True)      # mmseg's base uses SyncBN
model = dict(
    model=dict(
        _delete_=True, cfg_path='mmseg::_base_/models/deeplabv3plus_r50-d8.py',
        data_preprocessor={{_base_.data_preprocessor}}, pretrained=None,
        backbone=dict(depth=18, in_channels=1, stem_channels=8,
                      base_channels=8, norm_cfg=bn),
        decode_head=dict(in_channels=64, channels=16, c1_in_channels=8,
                         c1_channels=8, dilations=(1, 2, 3), num_classes=11,
                         norm_cfg=bn),
        auxiliary_head=None),
    units=dict(features='decode_head.sep_bottleneck'))
