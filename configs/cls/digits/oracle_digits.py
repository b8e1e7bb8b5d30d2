# Upper bound: the target model trained WITH target labels (never part of
# adaptation; for the benchmark table only).
_base_ = [
    '../../_base_/models/smallconvnet_digits.py',
    '../../_base_/datasets/digits_cls.py',
    '../../_base_/schedules/digits_iters.py',
]
train_dataloader = dict(
    dataset=dict(with_label=True, pipeline=[
        dict(type='RandomCrop', crop_size={{_base_.img_size}}, padding=2),
        dict(type='PackInputs')]))
memory_init_dataloader = None
