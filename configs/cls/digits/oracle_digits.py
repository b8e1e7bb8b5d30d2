# Upper bound: the target model trained WITH target labels (never part of
# adaptation; for the benchmark table only).
_base_ = [
    '../../_base_/models/smallconvnet_digits.py',
    '../../_base_/datasets/digits_cls.py',
    './_base_digits_schedule.py',
]
train_dataloader = dict(
    dataset=dict(with_label=True, pipeline=[
        {{_base_.augment}},
        dict(type='PackInputs')]))
memory_init_dataloader = None
