# Baseline: DINE-style distillation per pseudo box (soft target = w * black
# box + (1 - w) * EMA teacher, w = 0.6 ** epochs, on the positive RoIs'
# C + 1 logits; + information maximisation; no mixup for boxes), from the
# warm-up checkpoint and for the same iterations as BiMem
# (bimem_mm.DINEDetector, docs/detection.md):
#   python tools/train.py configs/det/digits/dine_scenes.py \
#       --cfg-options load_from=work_dirs/warmup_scenes/iter_1000.pth
_base_ = ['./_base_scenes_adapt.py']
model = dict(
    type='bimem_mm.DINEDetector',
    stage='bimem',
    refiner=None, loss=None,   # no memories, its own loss
    dine=dict(momentum=0.6, im_weight=1.0))
