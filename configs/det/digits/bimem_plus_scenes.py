# bimem_plus on digit scenes: BiMem + IM with T = 10 (configs/_base_/bimem/
# bimem_plus.py; det's bimem already uses T = 10); the benchmark trains it
# from a DINE-style distilled model (dine_scenes.py) whose memory
# tools/init_memory.py initialises.
_base_ = ['./bimem_scenes.py', '../../_base_/bimem/bimem_plus.py']
model = {{_base_.bimem_plus_model}}
