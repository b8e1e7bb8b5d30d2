# Stage 1 (official "baseline"): cross entropy on argmax of the black box
# per grid pixel. (The official warm-up also freezes BN and uses lr 2.5e-4
# with 10x on the head: that suits a pretrained backbone; this one starts
# from scratch, see configs/seg/gta5_to_cityscapes for the frozen-BN
# version.)
# Chosen on the USPS <-> MNIST development pairs (docs/dev_suite/seg.md):
# - the schedule's lr 2e-3 on every layer (as the black box and the oracle),
#   not 5e-4 with 10x on the head;
# - class-balanced cross entropy (bimem_mm.core.WarmupLoss): background holds
#   most pixels and the black box's digit labels disagree within a digit, so
#   the plain warm-up predicts background for most digit pixels (21.5 mIoU
#   against the black box's 36.6 on USPS -> MNIST); weights
#   freq ** -0.5 of a running estimate of the black box's label frequencies.
#   warmup=None is the official loss.
_base_ = ['./_base_scenes_adapt.py']
model = dict(stage='warmup',
             warmup=dict(balance='running', power=0.5, momentum=0.9))
