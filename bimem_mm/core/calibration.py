"""Backward calibration: memory weights applied to black-box predictions."""
from typing import NamedTuple

import torch

from .distributions import normalise


def memory_weights(features: torch.Tensor, prototypes: torch.Tensor,
                   temperature: float = 1.0) -> torch.Tensor:
    """w_c(z) = softmax_c(-T ||z - mu_c||_2).

    Args:
        features: (N, D).
        prototypes: (C, D).
        temperature: T (official 1).

    Returns:
        (N, C) weights, rows summing to 1. The minimum distance is
        subtracted first (as the official code; same result, stabler).
    """
    dist = torch.cdist(features.float(), prototypes.float())
    dist = dist - dist.min(1, keepdim=True).values
    return torch.softmax(-temperature * dist, dim=1)


def hard_labels(scores: torch.Tensor, threshold: float,
                ignore_index: int) -> torch.Tensor:
    """argmax of (N, C) scores; ``ignore_index`` where max prob < threshold
    and where a row is all zero (w * p underflows with a large T and a
    top-k store: such a unit has no label, even at threshold 0)."""
    probs = normalise(scores)
    conf, labels = probs.max(1)
    ignore = (conf < threshold) | (scores.sum(1) <= 0)
    return torch.where(ignore, labels.new_tensor(ignore_index), labels)


class Calibration(NamedTuple):
    """Result of the backward flow for N units.

    Fields: ``labels`` (N,) fused label (CE target), ``labels_long`` (N,)
    long-term label (RCE target), ``probs`` (N, C) fused distribution,
    ``probs_long`` (N, C), ``short_used`` 0-dim bool, ``zero_mass`` 0-dim
    long: units whose fused scores w * p were all zero (ignored).
    """
    labels: torch.Tensor
    labels_long: torch.Tensor
    probs: torch.Tensor
    probs_long: torch.Tensor
    short_used: torch.Tensor
    zero_mass: torch.Tensor = torch.zeros((), dtype=torch.long)


def calibrate(p_src: torch.Tensor, w_long: torch.Tensor,
              w_short: torch.Tensor, short_ready: torch.Tensor,
              short_weight: float = 0.5, threshold: float = 0.0,
              ignore_index: int = 255) -> Calibration:
    """Fuse the long- and short-term weights with the black-box prediction.

    r_long = normalise(w_long * p), r = normalise(a w_long p + (1-a) w_short p)
    with a = 1 - short_weight once the short-term memory is ready, else 1.

    Args:
        p_src: (N, C) black-box distribution.
        w_long, w_short: (N, C) memory weights (``w_short`` may be None).
        short_ready: 0-dim bool tensor.
        short_weight: 1 - a (official 0.5).
        threshold: ``train_thred``; lower confidences are ignored.
        ignore_index: label of ignored units.
    """
    long_scores = w_long * p_src
    if w_short is None:
        fused, used = long_scores, short_ready.new_zeros(())
    else:
        b = torch.where(short_ready, long_scores.new_tensor(short_weight),
                        long_scores.new_tensor(0.0))
        fused = (1 - b) * long_scores + b * (w_short * p_src)
        used = short_ready.clone()
    return Calibration(
        labels=hard_labels(fused, threshold, ignore_index),
        labels_long=hard_labels(long_scores, threshold, ignore_index),
        probs=normalise(fused), probs_long=normalise(long_scores),
        short_used=used, zero_mass=(fused.sum(1) <= 0).sum())
