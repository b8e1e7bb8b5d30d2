# bimem_plus on digits (configs/_base_/bimem/bimem_plus.py): BiMem + IM +
# mixup, the memories calibrating the adaptive source distribution, T = 10;
# the benchmark trains it from a DINE-style distilled model.
_base_ = ['./bimem_digits.py', '../../_base_/bimem/bimem_plus.py']
model = {{_base_.bimem_plus_model}}
