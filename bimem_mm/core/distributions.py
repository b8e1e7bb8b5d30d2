"""Black-box distributions: top-k / hard-label expansion, entropy.

Shapes: ``N`` units, ``C`` classes, ``K`` stored entries per unit.
"""
import torch


def expand_topk(indices: torch.Tensor, probs: torch.Tensor,
                num_classes: int) -> torch.Tensor:
    """Expand stored top-k probabilities to a full ``C``-way distribution.

    The mass missing from the top-k is spread evenly over the other
    ``C - K`` classes (DINE's convention). A hard label with confidence
    ``s`` is the case ``K = 1``.

    Args:
        indices: (N, K) int class indices.
        probs: (N, K) float probabilities of those classes.
        num_classes: C.

    Returns:
        (N, C) float32 distribution; each row sums to 1.
    """
    probs = probs.float()
    n, k = probs.shape
    if k >= num_classes:   # renormalised too: stored sums are only ~1
        out = probs.new_zeros(n, num_classes).scatter_(1, indices.long(),
                                                       probs)
        return out / out.sum(1, keepdim=True)
    rest = (1.0 - probs.sum(1, keepdim=True)).clamp_min(0.0)
    out = (rest / (num_classes - k)).expand(n, num_classes).clone()
    out.scatter_(1, indices.long(), probs)
    return out / out.sum(1, keepdim=True)


def hard_to_probs(labels: torch.Tensor, confidence: torch.Tensor,
                  num_classes: int) -> torch.Tensor:
    """(N,) labels and (N,) confidences -> (N, C) distribution."""
    return expand_topk(labels.long()[:, None], confidence.float()[:, None],
                       num_classes)


def entropy(probs: torch.Tensor, eps: float = 1e-10) -> torch.Tensor:
    """Shannon entropy along the last dim: (..., C) -> (...)."""
    return -(probs * torch.log(probs + eps)).sum(-1)


def normalise(scores: torch.Tensor) -> torch.Tensor:
    """Rows of non-negative scores (N, C) -> distributions (N, C)."""
    return scores / scores.sum(1, keepdim=True).clamp_min(1e-12)
