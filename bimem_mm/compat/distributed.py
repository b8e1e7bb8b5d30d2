"""Distributed training on CPU (gloo) with MMEngine 0.10.7.

MMEngine's ``_init_dist_pytorch`` calls ``torch.cuda.set_device`` before
creating the process group, and ``Runner.wrap_model`` passes
``device_ids=[LOCAL_RANK]`` to DDP, so ``--launcher pytorch`` fails on a
machine without CUDA. :func:`apply` patches both, only for the CPU case:

* no CUDA: the process group is created without ``set_device``, with
  ``gloo`` when the config asks for ``nccl`` (a GPU-only backend);
* a module whose parameters live on the CPU is wrapped with
  ``device_ids=None`` (what torch's DDP requires for CPU modules).

With CUDA nothing changes.
"""
import os

import torch

_state = {'applied': False}


def _cpu_init_dist_pytorch(original):
    def init(backend, init_backend='torch', **kwargs):
        if torch.cuda.is_available() or init_backend != 'torch':
            return original(backend, init_backend=init_backend, **kwargs)
        import torch.distributed as torch_dist
        if backend == 'nccl':
            backend = 'gloo'    # nccl needs GPUs
        torch_dist.init_process_group(
            backend=backend, rank=int(os.environ['RANK']),
            world_size=int(os.environ['WORLD_SIZE']), **kwargs)
    return init


def _cpu_ddp_init(original):
    def __init__(self, module, *args, **kwargs):
        param = next(module.parameters(), None)
        if param is not None and param.device.type == 'cpu':
            kwargs['device_ids'] = None
            kwargs.pop('output_device', None)
        original(self, module, *args, **kwargs)
    return __init__


def apply() -> None:
    """Install the CPU fallbacks into MMEngine (idempotent)."""
    if _state['applied']:
        return
    from mmengine.dist import utils as dist_utils
    from mmengine.model.wrappers import MMDistributedDataParallel

    dist_utils._init_dist_pytorch = _cpu_init_dist_pytorch(
        dist_utils._init_dist_pytorch)
    MMDistributedDataParallel.__init__ = _cpu_ddp_init(
        MMDistributedDataParallel.__init__)
    _state['applied'] = True
