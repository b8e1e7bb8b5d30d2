# Stage 2 with SegFormer MiT-B5 (warmup_segformer_mitb5_gta5.py): BiMem from
# the warm-up checkpoint, the official teacher view (full image, maps cropped
# into the student's view), DAFormer's optimisation and 40k iterations.
_base_ = ['./warmup_segformer_mitb5_gta5.py']
model = dict(stage='bimem', teacher_view='full')
train_dataloader = dict(
    dataset=dict(pipeline={{_base_.train_pipeline_full_view}}))
