# Stage 2: BiMem from the warm-up checkpoint (the long-term memory is
# initialised by BiMemHook, or beforehand by tools/init_memory.py):
#   python tools/train.py configs/seg/gta5_to_cityscapes/bimem_deeplabv2_r101_gta5.py \
#       --cfg-options load_from=work_dirs/warmup_deeplabv2_r101_gta5/iter_40000.pth
# Official: lr 1e-4 on all parameters, 90k iterations, batch 4, the teacher
# on the full image with its maps cropped/flipped into the student's view.
_base_ = ['./_base_adapt_deeplabv2_r101.py']
model = dict(stage='bimem', teacher_view='full')
train_dataloader = dict(
    dataset=dict(pipeline={{_base_.train_pipeline_full_view}}))
