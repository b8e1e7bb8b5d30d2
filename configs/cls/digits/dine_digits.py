# Baseline: DINE-style distillation (soft labels = EMA of the black box's
# top-k predictions and the model's, + information maximisation + mixup),
# from the same warm-up checkpoint and for the same iterations as BiMem.
_base_ = ['./_base_digits_adapt.py']
model = dict(type='bimem_mm.DINEClassifier',
             refiner=None, loss=None,   # no memories, its own loss
             dine=dict(momentum=0.6, im_weight=1.0, mix_weight=1.0,
                       mix_alpha=0.3))
