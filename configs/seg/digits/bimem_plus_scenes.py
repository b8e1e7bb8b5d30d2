# bimem_plus for segmentation on digit scenes: the faithful memories, loss
# and T of bimem_scenes.py, from the warm-up, with no deviation left. The
# classification additions (T = 10, adaptive source, IM, mixup, the DINE
# start) lost on the digit scenes (docs/benchmark.md), and so did the
# class-balanced BiMem loss of bimem_plus_model_pixels on top of the
# balanced warm-up: on USPS <-> MNIST, 3 seeds, about -3 / -4 mIoU against
# faithful BiMem (docs/dev_suite/seg.md, session 5). That variant stays
# available as bimem_plus_balanced_scenes.py (the paper-scale bimem_plus
# configs, after the official unbalanced warm-up, keep the balance).
_base_ = ['./bimem_scenes.py', '../../_base_/bimem/bimem_plus.py']
model = dict(_base_.bimem_plus_model_pixels, balance=None)
