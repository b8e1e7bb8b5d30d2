_base_ = ['mmseg::_base_/default_runtime.py',
          'mmseg::_base_/schedules/schedule_80k.py']
# SGD with poly decay as the official code (weight decay 2e-4, momentum
# 0.9); stage configs set lr, iterations and the head multiplier. The
# reported model is the last iterate (the official code keeps the best
# checkpoint on target labels; we do not).
max_iters = 90000
optim_wrapper = dict(optimizer=dict(lr=1e-4, momentum=0.9,
                                    weight_decay=2e-4))
param_scheduler = [dict(type='PolyLR', eta_min=0, power=0.9, begin=0,
                        end=max_iters, by_epoch=False)]
train_cfg = dict(max_iters=max_iters, val_interval=5000)
default_hooks = dict(checkpoint=dict(interval=5000, max_keep_ckpts=2))
