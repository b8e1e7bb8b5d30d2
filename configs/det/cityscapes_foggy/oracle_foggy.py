# Upper bound: Faster R-CNN trained WITH Foggy Cityscapes labels (never part
# of adaptation; for the comparison table only).
_base_ = [
    '../_base_/models/faster_rcnn_r50_fpn_cityscapes.py',
    '../_base_/datasets/foggy_cityscapes.py',
    'mmdet::_base_/schedules/schedule_1x.py',
    'mmdet::_base_/default_runtime.py',
]
train_dataloader = dict(
    _delete_=True, batch_size=2, num_workers=2, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=dict(type='AspectRatioBatchSampler'),
    dataset=dict(
        type='RepeatDataset', times=8,
        dataset=dict(
            type={{_base_.dataset_type}}, data_root={{_base_.target_root}},
            ann_file='annotations/foggy_beta_0.02_train.json',
            data_prefix=dict(img='leftImg8bit_foggy/train/'),
            filter_cfg=dict(filter_empty_gt=True, min_size=32),
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations', with_bbox=True),
                dict(type='RandomResize', scale=[(2048, 800), (2048, 1024)],
                     keep_ratio=True),
                dict(type='RandomFlip', prob=0.5),
                dict(type='PackDetInputs'),
            ])))
memory_init_dataloader = None
optim_wrapper = dict(optimizer=dict(lr=0.01))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=500),
    dict(type='MultiStepLR', begin=0, end=8, by_epoch=True, milestones=[7],
         gamma=0.1)
]
train_cfg = dict(max_epochs=8)
