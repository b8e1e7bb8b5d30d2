# VisDA-2017 classification (Peng et al., 2017): 12 classes, synthetic
# renderings (train) -> real photos (validation). Layout (docs/classification.md):
#   data/visda2017/{train,validation}/<class>/<image>.jpg
# The evaluator also reports per-class recall; their mean over the 12
# classes is the accuracy the VisDA protocol reports.
_base_ = ['./image_folder_cls.py']
data_root = 'data/visda2017'
source_prefix = 'train'
target_prefix = 'validation'
num_classes = 12
bb_store = 'work_dirs/visda2017/blackbox_store'
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
val_evaluator = [dict(type='Accuracy', topk=(1, )),
                 dict(type='SingleLabelMetric', items=('precision', 'recall'),
                      average=None)]
test_evaluator = val_evaluator
