# Upper bound: the target model trained WITH target labels (never part of
# adaptation; for the benchmark table only).
_base_ = [
    '../_base_/models/faster_rcnn_smallconvnet_scenes.py',
    '../_base_/datasets/digit_scenes_det.py',
    '../_base_/schedules/scenes_det_iters.py',
]
train_dataloader = dict(dataset={{_base_.oracle_train_dataset}})
memory_init_dataloader = None
