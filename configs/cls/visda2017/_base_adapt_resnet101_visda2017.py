# The target model wrapped by BiMem (student + EMA teacher) with the
# official hyperparameters; a classification unit is a whole image.
_base_ = [
    './_base_resnet101_visda2017.py',
    '../../_base_/bimem/bimem_official.py',
]
model = dict(
    _base_.bimem_wrapper, _delete_=True, type='bimem_mm.BiMemClassifier',
    model=_base_.model)
custom_hooks = _base_.bimem_hooks
