# Stage 1 with the ViT-B/16 target model (bimem_vit_b16_officehome.py): cross
# entropy on argmax of the black box's predictions.
_base_ = ['./bimem_vit_b16_officehome.py']
model = dict(stage='warmup')
