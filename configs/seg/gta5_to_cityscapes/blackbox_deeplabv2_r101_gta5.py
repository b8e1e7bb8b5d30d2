# The black box: DeepLabV2-R101 trained on GTA5 (source only). Adaptation
# only sees its predictions on the Cityscapes training images:
#   python tools/predict_blackbox.py \
#       configs/seg/gta5_to_cityscapes/warmup_deeplabv2_r101_gta5.py \
#       --task seg \
#       --model configs/seg/gta5_to_cityscapes/blackbox_deeplabv2_r101_gta5.py \
#       --checkpoint BB.pth --out work_dirs/gta5_to_cityscapes/blackbox_store \
#       --key-root data/cityscapes/ --mode topk --k 3 --downscale 4
_base_ = [
    '../../_base_/models/deeplabv2_r101.py',
    '../../_base_/datasets/cityscapes_target_896x512.py',
    '../../_base_/schedules/uda_deeplabv2.py',
]
max_iters = 40000
train_dataloader = dict(
    dataset=dict(
        _delete_=True, type='bimem_mm.GTA5Dataset', data_root='data/gta5/',
        data_prefix=dict(img_path='images', seg_map_path='labels'),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='bimem_mm.LoadMappedSegLabels'),
            dict(type='RandomResize', scale=(2560, 1440),
                 ratio_range=(0.5, 1.5), keep_ratio=True),
            dict(type='RandomCrop', crop_size={{_base_.crop_size}},
                 cat_max_ratio=0.75),
            dict(type='RandomFlip', prob=0.5),
            dict(type='PhotoMetricDistortion'),
            dict(type='PackSegInputs')]))
# one test pipeline for evaluation (Cityscapes val, labelled) and for the
# black-box queries on the unlabelled target images (no seg_map_path)
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
    dict(type='bimem_mm.LoadMappedSegLabels', optional=True),
    dict(type='PackSegInputs')]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
memory_init_dataloader = None
optim_wrapper = dict(
    optimizer=dict(lr=2.5e-4),
    paramwise_cfg=dict(custom_keys={'decode_head': dict(lr_mult=10.)}))
param_scheduler = [dict(type='PolyLR', eta_min=0, power=0.9, begin=0,
                        end=max_iters, by_epoch=False)]
train_cfg = dict(max_iters=max_iters)
