# Stage 1 (official "baseline"): cross entropy on argmax of the black box.
_base_ = ['./_base_digits_adapt.py']
model = dict(stage='warmup')
