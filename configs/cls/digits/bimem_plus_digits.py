# bimem_plus on digits (configs/_base_/bimem/bimem_plus.py): BiMem + IM +
# mixup, the memories calibrating the adaptive source distribution, T = 10;
# the benchmark trains it from a DINE-style distilled model (3/4 of the
# budget, bimem_mm.benchmark.cls.ClsRecipe.plus_start_share), then this
# config for the last 1/4 at SGD lr 0.025 instead of the digit stages'
# 0.05: a fine-tuning of the DINE model, not a second full-rate run (dev
# pairs, 3 seeds, paired: docs/dev_suite/cls.md, session 6).
_base_ = ['./bimem_digits.py', '../../_base_/bimem/bimem_plus.py']
model = {{_base_.bimem_plus_model}}
optim_wrapper = dict(optimizer=dict(lr=0.025))
