# bimem_plus on digits: BiMem + IM with T = 10 (configs/_base_/bimem/
# bimem_plus.py); the benchmark trains it from a DINE-style distilled model.
_base_ = ['./bimem_digits.py', '../../_base_/bimem/bimem_plus.py']
model = {{_base_.bimem_plus_model}}
