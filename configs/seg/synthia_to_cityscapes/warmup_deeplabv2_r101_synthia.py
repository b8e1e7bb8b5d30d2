# Stage 1 (official "baseline") on SYNTHIA -> Cityscapes: cross entropy on
# argmax of the black box, frozen BN, lr 2.5e-4 with 10x on the head.
_base_ = ['./_base_adapt_deeplabv2_r101.py']
model = dict(
    stage='warmup',
    model=dict(backbone=dict(norm_cfg=dict(type='BN', requires_grad=False),
                             norm_eval=True)))
max_iters = 40000
optim_wrapper = dict(
    optimizer=dict(lr=2.5e-4),
    paramwise_cfg=dict(custom_keys={'student.decode_head': dict(lr_mult=10.)}))
param_scheduler = [dict(type='PolyLR', eta_min=0, power=0.9, begin=0,
                        end=max_iters, by_epoch=False)]
train_cfg = dict(max_iters=max_iters)
