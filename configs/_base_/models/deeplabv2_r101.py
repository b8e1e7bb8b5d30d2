# DeepLabV2-ResNet-101 as in ProDA / the official BiMem code: a dilated
# ResNet-101 (output stride 8) with torchvision's ImageNet weights (the
# official initialisation; mmseg's usual alternative is ResNetV1c with
# 'open-mmlab://resnet101_v1c') and ProDA's head, whose 256-d bottleneck
# feature is what BiMem's memories store. Nothing is downloaded until the
# weights are initialised (training); building the model reads no file.
norm_cfg = dict(type='SyncBN', requires_grad=True)
data_preprocessor = dict(
    type='SegDataPreProcessor', mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_val=0,
    seg_pad_val=255, size_divisor=8)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='ResNet', depth=101, num_stages=4, out_indices=(3, ),
        strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4), style='pytorch',
        norm_cfg=norm_cfg, norm_eval=False, contract_dilation=False,
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet101')),
    decode_head=dict(
        type='bimem_mm.DeepLabV2BottleneckHead',  # classic: DeepLabV2Head
        in_channels=2048, channels=256, dilations=(6, 12, 18, 24),
        num_classes=19, dropout_ratio=0.1, align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False,
                         loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
