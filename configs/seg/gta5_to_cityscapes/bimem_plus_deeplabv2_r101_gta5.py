# bimem_plus (configs/_base_/bimem/bimem_plus.py): BiMem + IM + pixel mixup,
# the memories calibrating the adaptive source distribution, T = 10; the
# teacher view, units and schedule of bimem_deeplabv2_r101_gta5.py. The
# benchmark (tools/benchmark.py --suite paper) trains it from a DINE-style
# distilled model (dine_deeplabv2_r101_gta5.py, half the iterations) whose
# memory tools/init_memory.py initialises.
_base_ = ['./bimem_deeplabv2_r101_gta5.py', '../../_base_/bimem/bimem_plus.py']
model = {{_base_.bimem_plus_model}}
