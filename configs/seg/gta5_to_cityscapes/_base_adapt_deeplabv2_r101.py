# GTA5 -> Cityscapes, the adaptation stages: DeepLabV2-R101 wrapped by
# BiMem (student + EMA teacher) with the official hyperparameters. Units are
# the pixels of the head's map upsampled 2x (1/4 of the crop, as official).
_base_ = [
    '../../_base_/models/deeplabv2_r101.py',
    '../../_base_/datasets/cityscapes_target_896x512.py',
    '../../_base_/schedules/uda_deeplabv2.py',
    '../../_base_/bimem/bimem_official.py',
]
model = dict(
    _base_.bimem_wrapper, _delete_=True, type='bimem_mm.BiMemSegmentor',
    model=_base_.model,
    upsample=2,
)
custom_hooks = _base_.bimem_hooks
