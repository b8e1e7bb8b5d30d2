# Paper-scale classification schedule (ImageNet-initialised ResNet):
# SGD, 10x learning rate on the head, poly decay; the last iterate is the
# reported model (no best-checkpoint selection on target labels).
_base_ = ['mmpretrain::_base_/default_runtime.py']
max_iters = 5000
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=1e-3, momentum=0.9, weight_decay=1e-3,
                   nesterov=True),
    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.0)}))
param_scheduler = [dict(type='PolyLR', power=0.75, eta_min=0, by_epoch=False,
                        begin=0, end=max_iters)]
train_cfg = dict(by_epoch=False, max_iters=max_iters, val_interval=max_iters)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=1000,
                    max_keep_ckpts=2))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0, deterministic=False)
