"""The adaptive soft target ``w * p_bb + (1 - w) * p_teacher`` (plain torch).

One mechanism, two users: the DINE-style baselines distil towards it
(``bimem_mm.models.dine``), and ``bimem_plus``'s memories calibrate it
instead of the raw black box (``adaptive_source`` of
``bimem_mm.models.TeacherStudentAdapter``). ``w = momentum ** epochs``,
epochs = samples seen / training set size (DINE's per-epoch decay of the
black box's share, :func:`~bimem_mm.core.dine.black_box_share`).
"""
from typing import Dict, Optional, Tuple

import torch
from torch import nn

from .dine import black_box_share, dine_targets
from .distributed import all_reduce_sum


class AdaptiveTarget(nn.Module):
    """Counts the samples seen and mixes the black box with the teacher.

    State: buffer ``samples_seen`` (long scalar, summed over ranks; saved
    in checkpoints so ``--resume`` continues the decay).

    Args:
        momentum: DINE's gamma, in [0, 1].
        num_samples: training set size (None: told later by
            :meth:`prepare_for_dataset`, as ``BiMemHook`` does).
        name: the config key that built it, for error messages.
    """

    def __init__(self, momentum: float = 0.6,
                 num_samples: Optional[int] = None,
                 name: str = 'adaptive target'):
        super().__init__()
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f'{name}.momentum must be in [0, 1], got '
                             f'{momentum}')
        self.momentum, self.num_samples, self.name = momentum, num_samples, \
            name
        self.last_share: Optional[float] = None
        self.register_buffer('samples_seen', torch.zeros((), dtype=torch.long))

    def prepare_for_dataset(self, num_samples: int) -> None:
        """The training set size (the unit of the black box's decay)."""
        self.num_samples = int(num_samples)

    def share(self) -> float:
        """w = momentum ** (samples seen / training set size)."""
        if not self.num_samples:
            raise RuntimeError(f'{self.name} needs num_samples or BiMemHook '
                               'to know the training set size')
        return black_box_share(self.momentum, int(self.samples_seen),
                               self.num_samples)

    @torch.no_grad()
    def forward(self, black_box: torch.Tensor, teacher_probs: torch.Tensor,
                batch_size: int) -> Tuple[torch.Tensor, float]:
        """(N, C) targets ``w * p_bb + (1 - w) * p_teacher`` and w (taken
        before this batch); counts the batch's ``batch_size`` samples."""
        share = self.last_share = self.share()
        seen = torch.tensor(batch_size, dtype=torch.long,
                            device=self.samples_seen.device)
        self.samples_seen += all_reduce_sum(seen)
        return dine_targets(black_box, teacher_probs, share), share


def label_accuracies(truth: torch.Tensor, keep: torch.Tensor,
                     ignore_index: int, prefix: str,
                     **labels: torch.Tensor) -> Dict[str, torch.Tensor]:
    """``{prefix + 'acc_' + name: accuracy}`` of each (N,) ``labels`` against
    (N,) ``truth`` over the kept units whose truth is known (>= 0, not
    ``ignore_index``); for analysis logs only."""
    known = keep & (truth >= 0) & (truth != ignore_index)
    m = known.sum().clamp_min(1).float()
    return {f'{prefix}acc_{name}': ((lab == truth) & known).sum() / m
            for name, lab in labels.items()}
