# BiMem on mmpretrain's Vision Transformer, shrunk for 16x16 digits (4x4
# patches, 2 layers of 32 channels). Units: images, feature = the class
# token the head classifies, the input of `head.layers.head`.
_base_ = ['./bimem_digits.py']
model = dict(
    model=dict(
        _delete_=True, cfg_path='mmpretrain::_base_/models/vit-base-p16.py',
        data_preprocessor={{_base_.model.model.data_preprocessor}},
        backbone=dict(arch=dict(_delete_=True, embed_dims=32, num_layers=2,
                                num_heads=2, feedforward_channels=64),
                      img_size=16, patch_size=4, in_channels=1),
        head=dict(num_classes=10, in_channels=32)),
    units=dict(features='head.layers.head:input'))
