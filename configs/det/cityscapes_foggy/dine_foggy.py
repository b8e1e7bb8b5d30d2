# Baseline: DINE-style distillation per pseudo box (soft target = w * black
# box + (1 - w) * EMA teacher, w = 0.6 ** epochs, on the positive RoIs'
# C + 1 logits; + information maximisation; no mixup for boxes;
# bimem_mm.DINEDetector, docs/detection.md), from the warm-up checkpoint
# with BiMem's schedule (bimem_foggy.py):
#   python tools/train.py configs/det/cityscapes_foggy/dine_foggy.py \
#       --cfg-options load_from=work_dirs/warmup_foggy/iter_20000.pth
_base_ = ['./_base_foggy_adapt.py']
max_iters = 10000
model = dict(
    type='bimem_mm.DINEDetector',
    stage='bimem',
    refiner=None, loss=None,   # no memories, its own loss
    dine=dict(momentum=0.6, im_weight=1.0))
optim_wrapper = dict(optimizer=dict(lr=0.005))
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, begin=0,
                        end=max_iters, milestones=[7500], gamma=0.1)]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
