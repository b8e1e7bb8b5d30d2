# Stage 2: BiMem on SYNTHIA -> Cityscapes from the warm-up checkpoint
# (official: lr 1e-4, 90k iterations, teacher on the full image).
_base_ = ['./_base_adapt_deeplabv2_r101.py']
model = dict(stage='bimem', teacher_view='full')
train_dataloader = dict(dataset=dict(pipeline=_base_.train_pipeline_full_view))
