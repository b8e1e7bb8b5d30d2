# VisDA-2017 classification (Peng et al., 2017): 12 classes, synthetic
# renderings (train) -> real photos (validation). Layout (docs/classification.md):
#   data/visda2017/{train,validation}/<class>/<image>.jpg
# The evaluator also reports per-class recall; their mean over the 12
# classes is the accuracy the VisDA protocol reports.
custom_imports = dict(imports=['bimem_mm.cls', 'bimem_mm.datasets'],
                      allow_failed_imports=False)
data_root = 'data/visda2017'
source_prefix = 'train'
target_prefix = 'validation'
num_classes = 12
bb_store = 'work_dirs/visda2017/blackbox_store'
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
val_evaluator = [dict(type='Accuracy', topk=(1, )),
                 dict(type='SingleLabelMetric', items=('precision', 'recall'),
                      average=None)]
test_evaluator = val_evaluator
