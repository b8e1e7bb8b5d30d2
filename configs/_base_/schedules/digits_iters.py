_base_ = ["mmpretrain::_base_/default_runtime.py"]
# Iteration-based schedule for the digit benchmarks; the evaluated model
# is the last iterate (no best-checkpoint selection on target labels).
max_iters = 1000
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9,
                                    weight_decay=5e-4))
param_scheduler = [dict(type='PolyLR', power=0.9, eta_min=0, by_epoch=False,
                        begin=0, end=max_iters)]
train_cfg = dict(by_epoch=False, max_iters=max_iters, val_interval=max_iters)
val_cfg = dict()
test_cfg = dict()
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
