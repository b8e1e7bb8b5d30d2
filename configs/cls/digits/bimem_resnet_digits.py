# BiMem on mmpretrain's ResNet-18 (1/8 width) for 16x16 digits. Units:
# images, feature = the GAP neck's output, the input of `head.fc`.
_base_ = ['./bimem_digits.py']
model = dict(
    model=dict(
        _delete_=True, cfg_path='mmpretrain::_base_/models/resnet18.py',
        data_preprocessor={{_base_.model.model.data_preprocessor}},
        backbone=dict(in_channels=1, stem_channels=8, base_channels=8),
        head=dict(num_classes=10, in_channels=64)),
    units=dict(features='head.fc:input'))
