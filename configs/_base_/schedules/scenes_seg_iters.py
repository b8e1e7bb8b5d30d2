_base_ = ['mmseg::_base_/default_runtime.py',
          'mmseg::_base_/schedules/schedule_20k.py']
# Iteration schedule of the digit-scene segmentation benchmark (CPU;
# detection's: configs/det/_base_/schedules/scenes_det_iters.py); the
# evaluated model is the last iterate (no best-checkpoint selection on
# target labels).
# AdamW: the digit models start from scratch (no ImageNet weights), and
# SGD at 0.01 needs many more iterations to leave the all-background optimum.
max_iters = 400
optim_wrapper = dict(
    _delete_=True, type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=1e-4))
param_scheduler = [dict(type='PolyLR', eta_min=0, power=0.9, begin=0,
                        end=max_iters, by_epoch=False)]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1))
env_cfg = dict(cudnn_benchmark=False)
randomness = dict(seed=0, deterministic=False)
# memory statistics (bimem/*, dine/*) are averaged over the logging interval
# like the losses (MMEngine logs the last value of other keys)
log_processor = dict(
    by_epoch=False, window_size=50,
    mean_pattern=r'.*(loss|time|data_time|grad_norm|bimem/|dine/).*')
