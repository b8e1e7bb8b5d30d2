# Office-31 (Saenko et al., 2010): 31 classes, domains amazon (A), dslr (D),
# webcam (W). Layout (docs/classification.md):
#   data/office31/{amazon,dslr,webcam}/images/<class>/<image>.jpg
# Default pair A -> W; another pair: override source_prefix/target_prefix
# in a child config, or data_prefix of the dataloaders by --cfg-options.
custom_imports = dict(imports=['bimem_mm.cls', 'bimem_mm.datasets'],
                      allow_failed_imports=False)
data_root = 'data/office31'
source_prefix = 'amazon/images'
target_prefix = 'webcam/images'
num_classes = 31
bb_store = 'work_dirs/office31_a2w/blackbox_store'
data_preprocessor = dict(num_classes=num_classes, mean=[123.675, 116.28,
                         103.53], std=[58.395, 57.12, 57.375], to_rgb=True)
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
# adaptation images: the target domain, without labels; the key of an
# image in the store is its path relative to data_root, without extension
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='bimem_mm.LoadBlackBoxPrediction', store=bb_store,
         key_root=data_root, num_classes=num_classes),
    dict(type='RandomResizedCrop', scale=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs', algorithm_keys=('bb_probs', )),
]
target_train = dict(type='CustomDataset', data_root=data_root,
                    data_prefix=target_prefix, with_label=False)
train_dataloader = dict(
    batch_size=64, num_workers=4,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(**target_train, pipeline=train_pipeline))
memory_init_dataloader = dict(
    batch_size=64, num_workers=4,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**target_train, pipeline=test_pipeline))
val_dataloader = dict(
    batch_size=64, num_workers=4,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='CustomDataset', data_root=data_root,
                 data_prefix=target_prefix, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_evaluator = val_evaluator
