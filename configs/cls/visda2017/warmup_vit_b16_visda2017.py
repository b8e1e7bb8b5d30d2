# Stage 1 with the ViT-B/16 target model (bimem_vit_b16_visda2017.py): cross
# entropy on argmax of the black box's predictions.
_base_ = ['./bimem_vit_b16_visda2017.py']
model = dict(stage='warmup')
