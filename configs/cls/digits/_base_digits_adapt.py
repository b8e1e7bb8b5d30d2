# Shared by the adaptation stages on digits: the target model wrapped by
# BiMem (student + EMA teacher) with the official hyperparameters.
_base_ = [
    '../../_base_/models/smallconvnet_digits.py',
    '../../_base_/datasets/digits_cls.py',
    '../../_base_/schedules/digits_iters.py',
    '../../_base_/bimem/bimem_official.py',
]
model = dict(
    _base_.bimem_wrapper, _delete_=True, type='bimem_mm.BiMemClassifier',
    model=_base_.model)
custom_hooks = _base_.bimem_hooks
