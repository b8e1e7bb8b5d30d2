# Baseline: DINE-style distillation per pixel (soft target = w * black box +
# (1 - w) * EMA teacher, w = 0.6 ** epochs; + information maximisation +
# pixel-aligned mixup; bimem_mm.DINESegmentor, docs/segmentation.md), from
# the warm-up checkpoint with BiMem's schedule (lr 1e-4, 90k iterations):
#   python tools/train.py configs/seg/gta5_to_cityscapes/dine_deeplabv2_r101_gta5.py \
#       --cfg-options load_from=WARMUP.pth
_base_ = ['./_base_adapt_deeplabv2_r101.py']
model = dict(
    type='bimem_mm.DINESegmentor',
    stage='bimem',
    refiner=None, loss=None,   # no memories, its own loss
    dine=dict(momentum=0.6, im_weight=1.0, mix_weight=1.0, mix_alpha=0.3))
