"""Warm-up with EMA weights (an opt-in deviation, docs/detection.md).

A from-scratch student trained on noisy black-box boxes moves a lot from
one batch to the next; an exponential moving average of its weights is a
cheap, label-free smoother. The wrapper's teacher holds the average during
the warm-up (the official warm-up leaves the teacher unused), and at the
last iteration the student takes the teacher's weights, so what is saved,
evaluated and loaded by the next stage is the EMA's last state (still the
last iterate: no selection on labels).
"""
from typing import Optional

from mmengine.hooks import Hook

from ..engine.ema import ema_update
from ..engine.memory_init import unwrap
from ..registry import HOOKS


@HOOKS.register_module()
class WarmupEMAHook(Hook):
    """Teacher <- EMA of the student in ``stage='warmup'``; the student
    becomes the teacher at the end of training.

    Args:
        momentum: EMA momentum m (teacher <- m * teacher + (1 - m) *
            student), e.g. 0.99 (an average over ~100 iterations); None:
            off (the official warm-up).
        copy_buffers: copy BN statistics from the student (as BiMemHook).
    """
    priority = 'ABOVE_NORMAL'     # before the checkpoint of the last iter

    def __init__(self, momentum: Optional[float] = None,
                 copy_buffers: bool = True):
        if momentum is not None and not 0.0 < momentum < 1.0:
            raise ValueError(f'WarmupEMAHook: momentum must be in (0, 1) '
                             f'or None (off), got {momentum}')
        self.momentum, self.copy_buffers = momentum, copy_buffers

    def _model(self, runner):
        model = unwrap(runner.model)
        if self.momentum is None or getattr(model, 'stage', None) != 'warmup':
            return None
        return model

    def before_train(self, runner) -> None:
        model = self._model(runner)
        if model is not None and runner.iter == 0:   # fresh: teacher = student
            ema_update(model.teacher, model.student, 0.0)

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        model = self._model(runner)
        if model is None:
            return
        ema_update(model.teacher, model.student, self.momentum,
                   self.copy_buffers)
        if runner.iter + 1 >= runner.max_iters:      # the last iteration
            ema_update(model.student, model.teacher, 0.0)
