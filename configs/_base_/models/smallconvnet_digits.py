# The target model of the digit benchmarks: an mmpretrain ImageClassifier
# with a small CNN backbone (swap `backbone` for any mmpretrain backbone).
model = dict(
    type='ImageClassifier',
    backbone=dict(type='bimem_mm.SmallConvNet', in_channels=1,
                  channels=(32, 64, 128), downsample=(False, True, True)),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=128,
              loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
    data_preprocessor=dict(type='ClsDataPreprocessor', num_classes=10,
                           mean=[127.5], std=[127.5], to_rgb=False))
