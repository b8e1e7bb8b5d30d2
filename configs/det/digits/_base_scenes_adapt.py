# Shared by the adaptation stages on digit scenes: the target detector
# wrapped by BiMem (student + EMA teacher) with the official hyperparameters.
_base_ = [
    '../_base_/models/faster_rcnn_smallconvnet_scenes.py',
    '../_base_/datasets/digit_scenes_det.py',
    '../_base_/schedules/scenes_det_iters.py',
    '../../_base_/bimem/bimem_official.py',
]
model = dict(
    _base_.bimem_wrapper, _delete_=True, type='bimem_mm.BiMemDetector',
    model=_base_.model,
    pseudo_score_thr=0.5,    # black-box boxes scoring below are unused
)
custom_hooks = _base_.bimem_hooks
