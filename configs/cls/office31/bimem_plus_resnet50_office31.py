# bimem_plus (configs/_base_/bimem/bimem_plus.py): BiMem + IM + mixup, the
# memories calibrating the adaptive source distribution, T = 10. The
# benchmark (tools/benchmark.py --suite paper) trains it from a DINE-style
# distilled model (dine_resnet50_office31.py, half the iterations) whose memory
# tools/init_memory.py initialises.
_base_ = ['./bimem_resnet50_office31.py', '../../_base_/bimem/bimem_plus.py']
model = {{_base_.bimem_plus_model}}
