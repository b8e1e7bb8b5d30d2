# Baseline: DINE-style distillation per pixel (soft target = w * black box +
# (1 - w) * EMA teacher, w = 0.6 ** epochs; + information maximisation +
# pixel-aligned mixup), from the warm-up checkpoint and for the same
# iterations as BiMem (bimem_mm.DINESegmentor, docs/segmentation.md):
#   python tools/train.py configs/seg/digits/dine_scenes.py \
#       --cfg-options load_from=work_dirs/warmup_scenes/iter_600.pth
_base_ = ['./_base_scenes_adapt.py']
model = dict(
    type='bimem_mm.DINESegmentor',
    stage='bimem',
    refiner=None, loss=None,   # no memories, its own loss
    dine=dict(momentum=0.6, im_weight=1.0, mix_weight=1.0, mix_alpha=0.3))
