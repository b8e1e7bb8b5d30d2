# bimem_plus on digit scenes (configs/_base_/bimem/bimem_plus.py): BiMem +
# IM, the memories calibrating the adaptive source distribution, T = 10 (det's
# bimem already uses it); no mixup for boxes. The benchmark trains it from a
# DINE-style distilled model (dine_scenes.py) whose memory
# tools/init_memory.py initialises.
_base_ = ['./bimem_scenes.py', '../../_base_/bimem/bimem_plus.py']
model = {{_base_.bimem_plus_model_boxes}}
