# Shared by the adaptation stages on digit scenes: the target model wrapped
# by BiMem (student + EMA teacher) with the official hyperparameters.
_base_ = [
    '../../_base_/models/deeplabv2_smallconvnet_scenes.py',
    '../../_base_/datasets/digit_scenes_seg.py',
    '../../_base_/schedules/scenes_seg_iters.py',
    '../../_base_/bimem/bimem_official.py',
]
model = dict(
    _base_.bimem_wrapper, _delete_=True, type='bimem_mm.BiMemSegmentor',
    model=_base_.model,
    upsample=4,   # units = input pixels (the head has output stride 4)
)
custom_hooks = _base_.bimem_hooks
