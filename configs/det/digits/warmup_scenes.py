# Stage 1 (official "baseline"): Faster R-CNN on the black box's boxes with
# their argmax labels.
_base_ = ['./_base_scenes_adapt.py']
model = dict(stage='warmup')
