# Stage 1 (official "baseline"): Faster R-CNN on the black box's boxes with
# their argmax labels.
_base_ = ['./_base_scenes_adapt.py']
model = dict(stage='warmup')
# opt-in deviation: EMA weights for the warm-up (bimem_mm.det.warmup_ema),
# e.g. --cfg-options custom_hooks.2.momentum=0.99; None: off (official)
custom_hooks = _base_.bimem_hooks + [
    dict(type='bimem_mm.WarmupEMAHook', momentum=None)]
