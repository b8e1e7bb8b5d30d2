# The black box of the digit benchmark: a classifier trained on the SOURCE
# domain with its labels. Only its predictions on target images are used
# by adaptation (tools/predict_blackbox.py).
_base_ = [
    '../../_base_/models/smallconvnet_digits.py',
    '../../_base_/datasets/digits_cls.py',
    './_base_digits_schedule.py',
]
source_train = dict(type='bimem_mm.DigitsNpzDataset',
                    npz_file={{_base_.source_npz}}, images='x_train',
                    labels='y_train', size={{_base_.img_size}},
                    crop={{_base_.source_crop}}, with_label=True)
train_dataloader = dict(
    _delete_=True, batch_size=64, num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(**source_train, pipeline=[
        {{_base_.augment}},
        dict(type='PackInputs')]))
memory_init_dataloader = None
