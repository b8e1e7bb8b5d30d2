# Stage 1: cross entropy on argmax of the black box's predictions.
_base_ = ['./_base_adapt_resnet50_officehome.py']
model = dict(stage='warmup')
