# Stage 1: Faster R-CNN (ImageNet init) on the black box's boxes of the
# Foggy Cityscapes training images, labelled argmax of their distribution.
#   python tools/predict_blackbox.py configs/det/cityscapes_foggy/warmup_foggy.py \
#       --task det --out work_dirs/foggy_det/blackbox_store \
#       --model configs/det/cityscapes_foggy/source_only_cityscapes.py \
#       --checkpoint SOURCE.pth --batch-size 4
#   python tools/train.py configs/det/cityscapes_foggy/warmup_foggy.py
_base_ = ['./_base_foggy_adapt.py']
model = dict(stage='warmup')
