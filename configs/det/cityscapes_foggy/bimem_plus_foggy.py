# bimem_plus (configs/_base_/bimem/bimem_plus.py): BiMem + IM, the memories
# calibrating the adaptive source distribution, T = 10; no mixup for boxes.
# The benchmark (tools/benchmark.py --suite paper) trains it from a
# DINE-style distilled model (dine_foggy.py, half the iterations) whose
# memory tools/init_memory.py initialises.
_base_ = ['./bimem_foggy.py', '../../_base_/bimem/bimem_plus.py']
model = {{_base_.bimem_plus_model_boxes}}
