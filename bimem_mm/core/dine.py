"""DINE-style distillation (Liang et al., CVPR 2022), the strongest peer.

The pieces, on flat units like the rest of the core:

* :class:`SoftLabelMemory`: one soft label per training sample, started
  from the black box's (top-k expanded) prediction and moved towards the
  model's own prediction each time the sample is seen:
  ``m <- gamma * m + (1 - gamma) * p_model`` (DINE's adaptive teacher).
* :func:`information_maximization`: mean entropy minus the entropy of the
  mean prediction (confident and diverse predictions).
* :func:`mixup_consistency`: the prediction on a mix of two images should
  be the same mix of their (detached) predictions.
* :func:`black_box_share` and :func:`dine_targets`: the table-free target
  of the dense tasks (segmentation pixels, detection boxes), where a
  per-unit table cannot be kept: ``w * p_bb + (1 - w) * p_teacher`` with
  ``w = gamma ** epochs_seen`` and the EMA teacher's prediction standing in
  for the table's EMA of the model's predictions.
"""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn


class SoftLabelMemory(nn.Module):
    """A (N, C) table of per-sample soft labels (buffer ``labels``).

    Args:
        num_samples: N, the training set size.
        num_classes: C.
        momentum: gamma (DINE uses 0.6 per epoch).
    """

    def __init__(self, num_samples: int, num_classes: int,
                 momentum: float = 0.6):
        super().__init__()
        self.momentum = momentum
        self.register_buffer('labels', torch.zeros(num_samples, num_classes))
        self.register_buffer('seen', torch.zeros(num_samples,
                                                 dtype=torch.bool))

    @torch.no_grad()
    def lookup(self, index: torch.Tensor,
               black_box: torch.Tensor) -> torch.Tensor:
        """(B,) sample ids, (B, C) black-box probs -> (B, C) soft labels.

        Unseen samples start from their black-box distribution.
        """
        fresh = ~self.seen[index]
        self.labels[index] = torch.where(fresh[:, None], black_box.float(),
                                         self.labels[index])
        self.seen[index] = True
        return self.labels[index]

    @torch.no_grad()
    def update(self, index: torch.Tensor, probs: torch.Tensor) -> None:
        """Move the soft labels of ``index`` towards (B, C) ``probs``."""
        self.labels[index] = (self.momentum * self.labels[index]
                              + (1 - self.momentum) * probs.float())


def information_maximization(logits: torch.Tensor, eps: float = 1e-5,
                             prior: Optional[torch.Tensor] = None
                             ) -> torch.Tensor:
    """Information maximisation of (N, C) logits (lower is better).

    Without ``prior``: mean_i H(p_i) - H(mean_i p_i) (confident and
    diverse; SHOT/DINE). With a (C,) ``prior``: mean_i H(p_i) +
    KL(mean_i p_i || prior), the same up to the constant log C for a
    uniform prior, but diverse *towards* the prior (e.g. the black box's
    class marginal where one class, like segmentation's background, holds
    most units).
    """
    probs = torch.softmax(logits.float(), 1)
    ent = -(probs * torch.log(probs + eps)).sum(1).mean()
    mean = probs.mean(0)
    if prior is None:
        return ent + (mean * torch.log(mean + eps)).sum()
    prior = prior.float() / prior.float().sum()
    return ent + (mean * (torch.log(mean + eps)
                          - torch.log(prior + eps))).sum()


def soft_cross_entropy(logits: torch.Tensor, targets: torch.Tensor,
                       valid: Optional[torch.Tensor] = None) -> torch.Tensor:
    """-sum_c t_c log softmax(logits)_c, averaged over the units.

    Args:
        logits, targets: (N, C, ...) (classes in dim 1; e.g. (N, C) units
            or (B, C, h, w) maps).
        valid: optional bool mask of the units, shaped like ``logits``
            without dim 1; the mean runs over the valid ones (0 if none).
    """
    per_unit = -(targets * F.log_softmax(logits.float(), 1)).sum(1)
    if valid is None:
        return per_unit.mean()
    valid = valid.bool()
    return per_unit[valid].sum() / valid.sum().clamp_min(1)


def mixup_consistency(model_logits, inputs: torch.Tensor,
                      probs: torch.Tensor, alpha: float = 0.3,
                      generator=None,
                      valid: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Interpolation consistency on a batch.

    Args:
        model_logits: callable (B, ...) inputs -> (B, C, ...) logits, the
            same layout as ``probs`` (per image, or per pixel: a dense
            prediction is pixel-aligned with its input, so pixel (y, x) of
            the mixed image is the mix of pixels (y, x) of the two images).
        inputs: (B, ...) images.
        probs: (B, C, ...) detached predictions on ``inputs``.
        alpha: Beta(alpha, alpha) mixing coefficient.
        valid: optional (B, ...) bool mask of the prediction units (e.g.
            not batch padding); a mixed unit counts when valid in both
            images.

    Returns:
        soft cross entropy of the mixed prediction against the mixed
        targets.
    """
    lam = torch.distributions.Beta(alpha, alpha).sample().to(inputs.device)
    perm = torch.randperm(inputs.shape[0], device=inputs.device,
                          generator=generator)
    mixed = lam * inputs + (1 - lam) * inputs[perm]
    target = lam * probs + (1 - lam) * probs[perm]
    if valid is not None:
        valid = valid.bool() & valid.bool()[perm]
    return soft_cross_entropy(model_logits(mixed), target.detach(), valid)


def black_box_share(momentum: float, samples_seen: float,
                    num_samples: int) -> float:
    """``momentum ** (samples_seen / num_samples)``: the black box's share
    of DINE's soft label after that many epochs.

    DINE moves each sample's soft label once per epoch with
    ``m <- gamma * m + (1 - gamma) * p_model``, starting from the black
    box, so after e visits the black box keeps weight ``gamma ** e``;
    ``samples_seen / num_samples`` is e, counted in (fractional) epochs.
    """
    if num_samples <= 0:
        raise ValueError(f'num_samples must be > 0, got {num_samples}')
    return float(momentum) ** (float(samples_seen) / num_samples)


def dine_targets(black_box: torch.Tensor, teacher_probs: torch.Tensor,
                 share: float) -> torch.Tensor:
    """(N, C) ``share * p_bb + (1 - share) * p_teacher``.

    The table-free DINE target of the dense tasks: the EMA teacher's
    prediction on the same units stands in for the per-sample table's EMA
    of the model's predictions; ``share`` is :func:`black_box_share`. Rows
    sum to 1 when both inputs do.
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError(f'share must be in [0, 1], got {share}')
    return share * black_box.float() + (1 - share) * teacher_probs.float()
