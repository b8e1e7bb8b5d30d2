# bimem_plus for segmentation (configs/_base_/bimem/bimem_plus.py,
# bimem_plus_model_pixels): on the USPS <-> MNIST digit scenes none of the
# additions that help classification and detection (T = 10, adaptive
# source, IM, mixup, the DINE start) beat the faithful memories, so the
# chosen configuration is the faithful one
# (bimem_scenes.py), from the warm-up;
# docs/benchmark.md has the study.
_base_ = ['./bimem_scenes.py', '../../_base_/bimem/bimem_plus.py']
model = {{_base_.bimem_plus_model_pixels}}
