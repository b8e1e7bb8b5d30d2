# Office-31 (Saenko et al., 2010): 31 classes, domains amazon (A), dslr (D),
# webcam (W). Layout (docs/classification.md):
#   data/office31/{amazon,dslr,webcam}/images/<class>/<image>.jpg
# Default pair A -> W. Another pair: tools/benchmark.py --suite paper
# --benchmark office31/d2w (it points every target dataloader's
# data_prefix there), or the same --cfg-options by hand (data_prefix of
# train/memory_init/val/test_dataloader.dataset and the store of
# train_dataloader.dataset.pipeline.1): the prefixes below are resolved
# in this file, so a child config that overrides them changes nothing.
_base_ = ['./image_folder_cls.py']
data_root = 'data/office31'
source_prefix = 'amazon/images'
target_prefix = 'webcam/images'
num_classes = 31
bb_store = 'work_dirs/office31_a2w/blackbox_store'
data_preprocessor = dict(num_classes=num_classes)
# adaptation images: the target domain, without labels; the key of an
# image in the store is its path relative to data_root, without extension
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='bimem_mm.LoadBlackBoxPrediction', store=bb_store,
         key_root=data_root, num_classes=num_classes),
    *_base_.train_augment,
]
target_train = dict(type='CustomDataset', data_root=data_root,
                    data_prefix=target_prefix, with_label=False)
train_dataloader = dict(dataset=dict(target_train, pipeline=train_pipeline))
memory_init_dataloader = dict(dataset=target_train)
val_dataloader = dict(dataset=dict(data_root=data_root,
                                   data_prefix=target_prefix))
test_dataloader = val_dataloader
