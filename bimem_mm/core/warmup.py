"""Warm-up losses on the black box's labels (plain torch, every task).

The official warm-up is cross entropy on argmax of the black box. Two
documented options keep a from-scratch model from dropping rare classes:

* **class balance**: each unit's loss is weighted by ``freq[y] ** -power``,
  ``freq`` the frequency of the black box's pseudo label ``y`` among kept
  units: of the current batch (``'batch'``, no state) or a running average
  over batches (``'running'``, buffer ``class_freq``, saved in checkpoints
  so ``--resume`` continues it). The loss is the weighted mean
  ``sum_i w_i l_i / sum_i w_i`` (PyTorch's ``weight=`` semantics): with
  ``power=1`` and batch frequencies every class present contributes
  equally.
* **soft labels**: cross entropy to the black box's distribution (its top-k
  renormalised when ``soft_topk`` is set); ``soft`` mixes it with the hard
  term: ``(1 - soft) * hard + soft * soft_ce``. Soft CE differs from
  KL(target || student) by the target's entropy, a constant: same
  gradients.

Both combine (the balance weights apply to both terms). Shapes: ``N`` units,
``C`` classes.
"""
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from torch import nn

from .distributed import all_reduce_sum

BALANCES = (None, 'batch', 'running')


def class_weights(freq: torch.Tensor, power: float = 1.0,
                  max_weight: Optional[float] = None) -> torch.Tensor:
    """(C,) class frequencies -> (C,) weights ``freq ** -power``, scaled so
    that the mean weight per unit, ``sum_c freq_c w_c``, is 1, then clipped
    at ``max_weight``; 0 for classes of frequency 0."""
    seen = freq > 0
    w = torch.where(seen, freq.clamp_min(1e-12) ** -power,
                    torch.zeros_like(freq))
    w = w / (freq * w).sum().clamp_min(1e-12)
    return w if max_weight is None else w.clamp_max(max_weight)


def soft_targets(black_box: torch.Tensor,
                 topk: Optional[int] = None) -> torch.Tensor:
    """(N, C) distribution -> its top-``topk`` entries renormalised (the
    whole distribution when ``topk`` is None)."""
    if topk is None or topk >= black_box.shape[1]:
        return black_box.float()
    vals, idx = black_box.float().topk(topk, dim=1)
    out = torch.zeros_like(black_box, dtype=torch.float32)
    out.scatter_(1, idx, vals)
    return out / out.sum(1, keepdim=True).clamp_min(1e-12)


class WarmupLoss(nn.Module):
    """Class-balanced and/or soft-label warm-up loss.

    Args:
        num_classes: C.
        soft: weight of the soft-label term in [0, 1] (0: hard CE only, the
            official loss; 1: soft CE only).
        soft_topk: keep the black box's top-k entries for the soft target
            (None: all C).
        balance: None (official), ``'batch'`` or ``'running'``.
        power: exponent of the inverse frequency (1: inverse frequency,
            0.5: its square root).
        momentum: of the running frequency, ``freq <- m freq + (1 - m)
            batch_freq`` (the first batch sets it).
        max_weight: clip of the class weights (None: no clip).
        ignore_index: label of ignored units.
    """

    def __init__(self, num_classes: int, soft: float = 0.0,
                 soft_topk: Optional[int] = None,
                 balance: Optional[str] = None, power: float = 1.0,
                 momentum: float = 0.9, max_weight: Optional[float] = None,
                 ignore_index: int = 255):
        super().__init__()
        if not 0.0 <= soft <= 1.0:
            raise ValueError(f'warmup.soft must be in [0, 1], got {soft}')
        if balance not in BALANCES:
            raise ValueError(f'warmup.balance must be one of {BALANCES}, got '
                             f'{balance!r}')
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f'warmup.momentum must be in [0, 1), got '
                             f'{momentum}')
        if soft_topk is not None and soft_topk < 1:
            raise ValueError(f'warmup.soft_topk must be >= 1, got '
                             f'{soft_topk}')
        if max_weight is not None and max_weight <= 0:
            raise ValueError(f'warmup.max_weight must be > 0, got '
                             f'{max_weight}')
        self.num_classes, self.soft, self.soft_topk = num_classes, soft, \
            soft_topk
        self.balance, self.power, self.momentum = balance, power, momentum
        self.max_weight, self.ignore_index = max_weight, ignore_index
        self.register_buffer('class_freq', torch.zeros(num_classes))

    def batch_freq(self, labels: torch.Tensor) -> torch.Tensor:
        """(N,) labels -> (C,) frequency among kept units (summed over
        ranks)."""
        keep = labels != self.ignore_index
        counts = torch.bincount(labels[keep].long(),
                                minlength=self.num_classes).float()
        counts = all_reduce_sum(counts)
        return counts / counts.sum().clamp_min(1)

    @torch.no_grad()
    def weights(self, labels: torch.Tensor) -> torch.Tensor:
        """(C,) class weights for this batch (updates the running
        frequency in training mode)."""
        freq = self.batch_freq(labels)
        if self.balance == 'running':
            if self.training:
                started = self.class_freq.sum() > 0
                self.class_freq.copy_(torch.where(
                    started, self.momentum * self.class_freq
                    + (1 - self.momentum) * freq, freq))
            freq = self.class_freq
        return class_weights(freq, self.power, self.max_weight)

    def forward(self, logits: torch.Tensor, labels: torch.Tensor,
                black_box: torch.Tensor) -> Dict[str, torch.Tensor]:
        """(N, C) student logits, (N,) hard labels (``ignore_index`` where
        ignored), (N, C) black-box distribution -> ``{'loss_ce'}`` and/or
        ``{'loss_soft'}`` (the weighted terms)."""
        keep = labels != self.ignore_index
        if self.balance is None:
            unit_w = keep.float()
        else:
            w = self.weights(labels)
            unit_w = torch.where(keep, w[torch.where(keep, labels, 0).long()],
                                 torch.zeros_like(keep, dtype=torch.float))
        total = unit_w.sum().clamp_min(1e-12) if self.balance else \
            unit_w.sum().clamp_min(1)
        logp = F.log_softmax(logits.float(), 1)
        out = {}
        if self.soft < 1:
            ce = -logp.gather(1, torch.where(keep, labels, 0).long()[:, None])
            out['loss_ce'] = (1 - self.soft) * (ce[:, 0] * unit_w).sum() / total
        if self.soft > 0:
            target = soft_targets(black_box, self.soft_topk)
            soft_ce = -(target * logp).sum(1)
            out['loss_soft'] = self.soft * (soft_ce * unit_w).sum() / total
        return out
