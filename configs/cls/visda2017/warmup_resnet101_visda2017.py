# Stage 1: cross entropy on argmax of the black box's predictions.
_base_ = ['./_base_adapt_resnet101_visda2017.py']
model = dict(stage='warmup')
