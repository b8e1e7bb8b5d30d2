# bimem_plus for segmentation (configs/_base_/bimem/bimem_plus.py,
# bimem_plus_model_pixels): the faithful memories, loss and T on top of
# bimem_deeplabv2_r101_synthia.py, from the warm-up, with both loss terms class-balanced
# (balance: weights freq ** -0.5 of the calibrated labels' running
# frequency). The classification additions (T = 10, adaptive source, IM,
# mixup, the DINE start) lost on the digit scenes (docs/benchmark.md);
# the balance was chosen there too (docs/dev_suite/seg.md).
_base_ = ['./bimem_deeplabv2_r101_synthia.py', '../../_base_/bimem/bimem_plus.py']
model = {{_base_.bimem_plus_model_pixels}}
