# Foggy Cityscapes (beta 0.02) as the target domain; layout and the
# annotation files in docs/detection.md. Training sets of adaptation read
# an images-only json: no target label is ever loaded for training.
custom_imports = dict(imports=['bimem_mm.det'], allow_failed_imports=False)
dataset_type = 'CityscapesDataset'
target_root = 'data/foggy_cityscapes/'
bb_store = 'work_dirs/foggy_det/blackbox_store'
classes = ['person', 'rider', 'car', 'truck', 'bus', 'train', 'motorcycle',
           'bicycle']
bb_meta_keys = ('img_id', 'img_path', 'ori_shape', 'img_shape',
                'scale_factor', 'flip', 'flip_direction', 'bb_bboxes',
                'bb_scores', 'bb_probs', 'homography_matrix')

# the black box's boxes ride along in original pixels; the model maps them
# through the homography matrix that RandomResize and RandomFlip record
adapt_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='bimem_mm.LoadBlackBoxBoxes', store=bb_store, num_classes=8),
    dict(type='RandomResize', scale=[(2048, 800), (2048, 1024)],
         keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs', meta_keys=bb_meta_keys),
]
init_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='bimem_mm.LoadBlackBoxBoxes', store=bb_store, num_classes=8),
    dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
    dict(type='PackDetInputs', meta_keys=bb_meta_keys),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs', meta_keys=('img_id', 'img_path', 'ori_shape',
                                          'img_shape', 'scale_factor')),
]
target_train = dict(
    type=dataset_type, data_root=target_root,
    ann_file='annotations/foggy_beta_0.02_train_images.json',
    data_prefix=dict(img='leftImg8bit_foggy/train/'),
    filter_cfg=None)  # keep every image (there are no labels to filter by)
target_val = dict(
    type=dataset_type, data_root=target_root,
    ann_file='annotations/foggy_beta_0.02_val.json',
    data_prefix=dict(img='leftImg8bit_foggy/val/'), test_mode=True,
    filter_cfg=dict(filter_empty_gt=True, min_size=32),
    pipeline=test_pipeline)

train_dataloader = dict(
    batch_size=2, num_workers=2, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(target_train, pipeline=adapt_train_pipeline))
# long-term memory initialisation: target training set, no augmentation
memory_init_dataloader = dict(
    batch_size=2, num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(target_train, pipeline=init_pipeline))
val_dataloader = dict(
    batch_size=1, num_workers=2, persistent_workers=True, drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False), dataset=target_val)
test_dataloader = val_dataloader
# mAP@0.5, VOC-style area under the PR curve (key 'pascal_voc/mAP')
val_evaluator = dict(type='VOCMetric', metric='mAP', eval_mode='area',
                     iou_thrs=0.5)
test_evaluator = val_evaluator
