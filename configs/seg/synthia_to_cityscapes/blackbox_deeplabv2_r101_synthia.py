# The black box: DeepLabV2-R101 trained on SYNTHIA-RAND-CITYSCAPES (source
# only, 16 classes); see ../gta5_to_cityscapes/blackbox_deeplabv2_r101_gta5.py
# for the predict_blackbox.py command (store:
# work_dirs/synthia_to_cityscapes/blackbox_store).
_base_ = ['../gta5_to_cityscapes/blackbox_deeplabv2_r101_gta5.py']
classes = ['road', 'sidewalk', 'building', 'wall', 'fence', 'pole',
           'traffic light', 'traffic sign', 'vegetation', 'sky', 'person',
           'rider', 'car', 'bus', 'motorcycle', 'bicycle']
metainfo = dict(classes=classes)
model = dict(decode_head=dict(num_classes=16))
train_dataloader = dict(
    dataset=dict(
        _delete_=True, type='bimem_mm.SynthiaDataset',
        data_root='data/synthia/',
        data_prefix=dict(img_path='RGB', seg_map_path='GT/LABELS'),
        pipeline=[
            dict(type='LoadImageFromFile'),
            # 16-bit PNG, class id in the red channel (last in cv2's BGR)
            dict(type='bimem_mm.LoadMappedSegLabels',
                 imdecode_backend='cv2', channel=2),
            dict(type='RandomResize', scale=(1280, 760),
                 ratio_range=(0.5, 1.5), keep_ratio=True),
            dict(type='RandomCrop', crop_size={{_base_.crop_size}},
                 cat_max_ratio=0.75),
            dict(type='RandomFlip', prob=0.5),
            dict(type='PhotoMetricDistortion'),
            dict(type='PackSegInputs')]))
val_dataloader = dict(dataset=dict(metainfo=metainfo))
test_dataloader = val_dataloader
