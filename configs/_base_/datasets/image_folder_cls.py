# Shared by the image-folder classification datasets (office31_cls.py,
# officehome_cls.py, visda2017_cls.py): mmpretrain's CustomDataset over
# <data_root>/<domain>/<class>/<image>, ImageNet normalisation, 224 crops.
# A dataset file inherits this and sets data_root, source_prefix,
# target_prefix, num_classes, bb_store; then the target dataloaders and
# the training pipeline (which reads the black box's store) with them:
# MMEngine resolves a base's variables before a child sees them, so they
# are set where they are used (the dataset file), not here.
custom_imports = dict(imports=['bimem_mm.cls', 'bimem_mm.datasets'],
                      allow_failed_imports=False)
data_preprocessor = dict(mean=[123.675, 116.28, 103.53],
                         std=[58.395, 57.12, 57.375], to_rgb=True)
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
# the student's view of a training image, after loading the image and its
# black-box prediction
train_augment = [
    dict(type='RandomResizedCrop', scale=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs', algorithm_keys=('bb_probs', )),
]
target_train = dict(type='CustomDataset', with_label=False)
train_dataloader = dict(
    batch_size=64, num_workers=4,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=target_train)
memory_init_dataloader = dict(
    batch_size=64, num_workers=4,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**target_train, pipeline=test_pipeline))
val_dataloader = dict(
    batch_size=64, num_workers=4,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='CustomDataset', pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_evaluator = val_evaluator
