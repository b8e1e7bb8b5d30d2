"""A hook that saves every rank's model state at the end of training, so a
test can compare what the ranks of a DDP run hold (checkpoints are saved
by rank 0 only)."""
import os.path as osp

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.registry import HOOKS


@HOOKS.register_module()
class RankStateDumpHook(Hook):
    """Writes ``<out_dir>/rank<r>_iter<i>.pth``: the model's state_dict and
    the process group's backend and world size."""

    priority = 'VERY_LOW'

    def __init__(self, out_dir):
        self.out_dir = out_dir

    def after_train(self, runner):
        model = runner.model.module if is_model_wrapper(runner.model) \
            else runner.model
        import torch.distributed as dist
        torch.save(dict(state_dict=model.state_dict(),
                        backend=str(dist.get_backend()),
                        world_size=dist.get_world_size()),
                   osp.join(self.out_dir,
                            f'rank{runner.rank}_iter{runner.iter}.pth'))
