# Iteration-based schedule of the digit-scene detection benchmark
# (segmentation's: configs/_base_/schedules/scenes_seg_iters.py); the
# evaluated model is the last iterate (no checkpoint selection on target
# labels).
_base_ = ['mmdet::_base_/default_runtime.py']
max_iters = 1000
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=10.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=100),
    dict(type='PolyLR', power=0.9, eta_min=0, by_epoch=False, begin=100,
         end=max_iters),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    checkpoint=dict(type='CheckpointHook', by_epoch=False,
                    interval=max_iters, max_keep_ckpts=1))
# memory statistics (bimem/*, dine/*) are averaged over the logging interval
# like the losses (MMEngine logs the last value of other keys)
log_processor = dict(
    by_epoch=False, window_size=50,
    mean_pattern=r'.*(loss|time|data_time|grad_norm|bimem/|dine/).*')
randomness = dict(seed=0, deterministic=False)
