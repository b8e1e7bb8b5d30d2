# Upper bound: the target model trained WITH target labels (never part of
# adaptation; for the benchmark table only).
_base_ = [
    '../../_base_/models/deeplabv2_smallconvnet_scenes.py',
    '../../_base_/datasets/digit_scenes_seg.py',
    '../../_base_/schedules/scenes_seg_iters.py',
]
train_dataloader = dict(
    dataset=dict(with_label=True, pipeline={{_base_.labelled_pipeline}}))
memory_init_dataloader = None
