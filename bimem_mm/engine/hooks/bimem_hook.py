"""BiMemHook: EMA teacher and long-term memory initialisation."""
from typing import Optional

from mmengine.hooks import Hook
from mmengine.runner.base_loop import BaseLoop

from ...registry import HOOKS
from ..ema import ema_update
from ..memory_init import initialize_memory, unwrap


@HOOKS.register_module()
class BiMemHook(Hook):
    """Keeps the teacher an EMA of the student and the memories ready.

    * ``before_run``: installs the checkpoint compatibility layer and
      sizes per-sample model state to the training set (DINE baseline).
    * ``before_train`` (BiMem stage): on a fresh start (iteration 0, e.g.
      from the warm-up checkpoint) the teacher becomes a copy of the
      student; if the long-term memory is empty it is initialised with one
      pass over ``init_dataloader`` (target training images, no
      augmentation, no labels). On ``--resume`` teacher and memories come
      from the checkpoint unchanged.
    * ``after_train_iter``: teacher <- m * teacher + (1 - m) * student.

    Memory statistics (queue fill, label change rate, ...) are returned by
    the model's loss and reach the message hub with the losses.

    Args:
        momentum: EMA momentum (official 0.999).
        copy_buffers: copy BN buffers from the student (official).
        init_dataloader: dataloader config for the initialisation pass
            (default: the config's ``memory_init_dataloader``).
    """
    priority = 'ABOVE_NORMAL'

    def __init__(self, momentum: float = 0.999, copy_buffers: bool = True,
                 init_dataloader: Optional[dict] = None):
        self.momentum, self.copy_buffers = momentum, copy_buffers
        self.init_dataloader = init_dataloader

    def before_run(self, runner) -> None:
        from ... import compat
        compat.apply()
        model = unwrap(runner.model)
        # per-sample state is sized before a checkpoint is loaded into it;
        # only when training (the train loop is built before before_run)
        if hasattr(model, 'prepare_for_dataset') and \
                isinstance(runner._train_loop, BaseLoop):
            model.prepare_for_dataset(len(runner.train_dataloader.dataset))

    def before_train(self, runner) -> None:
        model = unwrap(runner.model)
        if getattr(model, 'stage', None) != 'bimem':
            return
        if runner.iter == 0:
            ema_update(model.teacher, model.student, 0.0)
        if getattr(model, 'uses_memory', True) and \
                not model.refiner.initialized:
            loader_cfg = self.init_dataloader or runner.cfg.get(
                'memory_init_dataloader')
            if loader_cfg is None:
                raise RuntimeError(
                    'BiMem long-term memory is empty and there is no '
                    'memory_init_dataloader in the config: run '
                    'tools/init_memory.py first or add one')
            loader = runner.build_dataloader(loader_cfg, seed=runner.seed)
            initialize_memory(model, loader)

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        model = unwrap(runner.model)
        if getattr(model, 'stage', None) == 'bimem':
            ema_update(model.teacher, model.student, self.momentum,
                       self.copy_buffers)
