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
"""
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


def information_maximization(logits: torch.Tensor,
                             eps: float = 1e-5) -> torch.Tensor:
    """mean_i H(p_i) - H(mean_i p_i) for (N, C) logits (lower is better)."""
    probs = torch.softmax(logits.float(), 1)
    ent = -(probs * torch.log(probs + eps)).sum(1).mean()
    mean = probs.mean(0)
    div = -(mean * torch.log(mean + eps)).sum()
    return ent - div


def soft_cross_entropy(logits: torch.Tensor,
                       targets: torch.Tensor) -> torch.Tensor:
    """-sum_c t_c log softmax(logits)_c, averaged over (N,) units."""
    return -(targets * F.log_softmax(logits.float(), 1)).sum(1).mean()


def mixup_consistency(model_logits, inputs: torch.Tensor,
                      probs: torch.Tensor, alpha: float = 0.3,
                      generator=None) -> torch.Tensor:
    """Interpolation consistency on a batch.

    Args:
        model_logits: callable (B, ...) inputs -> (B, C) logits.
        inputs: (B, ...) images.
        probs: (B, C) detached predictions on ``inputs``.
        alpha: Beta(alpha, alpha) mixing coefficient.

    Returns:
        soft cross entropy of the mixed prediction against the mixed
        targets.
    """
    lam = torch.distributions.Beta(alpha, alpha).sample().to(inputs.device)
    perm = torch.randperm(inputs.shape[0], device=inputs.device,
                          generator=generator)
    mixed = lam * inputs + (1 - lam) * inputs[perm]
    target = lam * probs + (1 - lam) * probs[perm]
    return soft_cross_entropy(model_logits(mixed), target.detach())
