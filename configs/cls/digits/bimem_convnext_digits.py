# BiMem on mmpretrain's ConvNeXt, shrunk for 16x16 digits (two stages of
# 16 and 32 channels). Units: images, feature = the pooled, normalised
# backbone output, the input of the head's `head.fc` (the default layer).
_base_ = ['./bimem_digits.py']
model = dict(
    model=dict(
        _delete_=True,
        cfg_path='mmpretrain::_base_/models/convnext/convnext-tiny.py',
        data_preprocessor={{_base_.model.model.data_preprocessor}},
        backbone=dict(arch=dict(_delete_=True, depths=[1, 1],
                                channels=[16, 32]),
                      out_indices=(1, ), in_channels=1),   # mmpretrain: -1 = 3
        head=dict(num_classes=10, in_channels=32),
        train_cfg=None),   # no Mixup/CutMix batch augments
    units=dict(features='head.fc:input'))
