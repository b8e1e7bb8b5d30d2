"""Long-term memory initialisation: one pass of the warm-up model."""
import torch
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.utils import ProgressBar


def unwrap(model):
    """The model inside a DDP (or other) wrapper."""
    return model.module if is_model_wrapper(model) else model


@torch.no_grad()
def initialize_memory(model, dataloader, progress: bool = True):
    """Set the long-term prototypes from a pass over ``dataloader``.

    Each class prototype becomes the mean of the per-image mean features
    of the units the warm-up model (the teacher, in eval mode) predicts as
    that class (official ``calc_prototype.py``). Use a dataloader without
    augmentation over the target training set; it reads no labels.

    Returns:
        (C,) number of per-image vectors behind each prototype.
    """
    model = unwrap(model)
    bar = ProgressBar(len(dataloader)) if progress else None
    for data in dataloader:
        model.init_memory_step(data)
        if bar is not None:
            bar.update()
    counts = model.refiner.finalize_init()
    missing = (counts == 0).nonzero().flatten().tolist()
    print_log(f'long-term memory initialised: vectors per class '
              f'{counts.tolist()}', logger='current')
    if missing:
        print_log(f'classes {missing} were never predicted in the '
                  'initialisation pass; their prototypes are zero',
                  logger='current', level=30)
    return counts
