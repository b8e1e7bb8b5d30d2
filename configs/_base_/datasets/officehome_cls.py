# Office-Home (Venkateswara et al., 2017): 65 classes, domains Art (Ar),
# Clipart (Cl), Product (Pr), Real_World (Rw). Layout (docs/classification.md):
#   data/office_home/{Art,Clipart,Product,Real_World}/<class>/<image>.jpg
# Default pair Ar -> Cl; another pair as in office31_cls.py
# (tools/benchmark.py --benchmark officehome/ar2pr, or the dataloaders'
# data_prefix by --cfg-options; overriding the prefixes in a child config
# changes nothing).
_base_ = ['./image_folder_cls.py']
data_root = 'data/office_home'
source_prefix = 'Art'
target_prefix = 'Clipart'
num_classes = 65
bb_store = 'work_dirs/officehome_ar2cl/blackbox_store'
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
