"""Vectorised per-group operations on flat units (no Python loops).

A *group* is the image a unit comes from (one unit for classification,
its pixels for segmentation, its boxes for detection).
"""
from typing import Tuple

import torch


def rank_within(keys: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
    """Rank of each unit among those with the same key, best score first.

    Args:
        keys: (N,) int group/class key per unit.
        scores: (N,) float, higher is better.

    Returns:
        (N,) long ranks, 0 for the best unit of its key. Ties keep order.
    """
    by_score = torch.argsort(scores, descending=True, stable=True)
    order = by_score[torch.argsort(keys[by_score], stable=True)]
    sorted_keys = keys[order]
    first = torch.ones_like(sorted_keys, dtype=torch.bool)
    first[1:] = sorted_keys[1:] != sorted_keys[:-1]
    pos = torch.arange(len(keys), device=keys.device)
    start = torch.cummax(torch.where(first, pos, torch.zeros_like(pos)),
                         0).values
    ranks = torch.empty_like(pos)
    ranks[order] = pos - start
    return ranks


def select_top_k(scores: torch.Tensor, groups: torch.Tensor, k: int,
                 valid: torch.Tensor = None,
                 best_first: bool = True) -> torch.Tensor:
    """Indices of the ``k`` best-scored valid units of every group.

    Args:
        scores: (N,) float selection score (e.g. entropy).
        groups: (N,) long group id per unit.
        k: units kept per group (all of a smaller group).
        valid: (N,) bool, units allowed to be selected.
        best_first: order within a group; False gives worst first.

    Returns:
        (M,) long indices, sorted by group then by score.
    """
    if valid is not None:
        scores = torch.where(valid, scores, scores.new_tensor(float('-inf')))
    ranks = rank_within(groups, scores)
    keep = ranks < k
    if valid is not None:
        keep &= valid
    idx = keep.nonzero().squeeze(1)
    within = ranks[idx] if best_first else k - ranks[idx]
    order = torch.argsort(groups[idx] * (k + 1) + within, stable=True)
    return idx[order]


def group_class_means(features: torch.Tensor, labels: torch.Tensor,
                      groups: torch.Tensor, num_classes: int,
                      min_count: int = 1,
                      valid: torch.Tensor = None
                      ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Mean feature of every (group, class) pair with enough units.

    Args:
        features: (N, D).
        labels: (N,) long; values outside [0, C) are ignored.
        groups: (N,) long group ids.
        num_classes: C.
        min_count: pairs with fewer units are dropped (official: 10 pixels).
        valid: (N,) bool mask of units to use.

    Returns:
        means (M, D), classes (M,) long, counts (M,) long, ordered by group
        then class (the order of the official per-image, per-class loop).
    """
    use = (labels >= 0) & (labels < num_classes)
    if valid is not None:
        use &= valid
    feats, labs, grps = features[use], labels[use].long(), groups[use].long()
    keys = grps * num_classes + labs
    uniq, inverse = torch.unique(keys, sorted=True, return_inverse=True)
    sums = feats.new_zeros(len(uniq), feats.shape[1]).index_add_(
        0, inverse, feats)
    counts = torch.bincount(inverse, minlength=len(uniq))
    keep = counts >= min_count
    means = sums[keep] / counts[keep, None].to(feats.dtype)
    return means, (uniq[keep] % num_classes), counts[keep]


def class_means(features: torch.Tensor, labels: torch.Tensor,
                num_classes: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per-class mean (C, D) and count (C,) of labelled units.

    Labels outside [0, C) are ignored; absent classes get a zero mean.
    """
    use = (labels >= 0) & (labels < num_classes)
    labs = labels[use].long()
    sums = features.new_zeros(num_classes, features.shape[1]).index_add_(
        0, labs, features[use])
    counts = torch.bincount(labs, minlength=num_classes)
    return sums / counts.clamp_min(1)[:, None].to(sums.dtype), counts
