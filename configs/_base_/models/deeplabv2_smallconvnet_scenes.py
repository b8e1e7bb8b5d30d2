# The target model of the digit-scene benchmark: an mmseg EncoderDecoder
# with a small CNN (output stride 4) and ProDA's DeepLabV2 head scaled down
# (32-d feature, dilations 1-4 for 12x12..16x16 maps). Swap `backbone` for
# any mmseg backbone (tests swap in a tiny ResNetV1c-18).
data_preprocessor = dict(type='SegDataPreProcessor', mean=[127.5],
                         std=[127.5], bgr_to_rgb=False, pad_val=0,
                         seg_pad_val=255, size_divisor=8)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(type='bimem_mm.SmallConvNet', in_channels=1,
                  channels=(16, 32, 64), downsample=(False, True, True)),
    decode_head=dict(
        type='bimem_mm.DeepLabV2BottleneckHead',
        in_channels=64,
        channels=32,               # the feature BiMem stores (256 official)
        dilations=(1, 2, 3, 4),    # (6, 12, 18, 24) for stride-8 ResNets
        norm_cfg=dict(type='GN', num_groups=8, requires_grad=True),
        num_classes=11,            # background + 10 digits
        dropout_ratio=0.1,
        # PyTorch's default init: the official one (classifier ~ N(0, 1e-3))
        # suits a pretrained backbone and stalls this from-scratch model
        init_cfg=None,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False,
                         loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
