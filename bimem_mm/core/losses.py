"""The BiMem training loss: alpha * CE(y) + beta * RCE(y_long)."""
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from torch import nn


def reverse_cross_entropy(logits: torch.Tensor, labels: torch.Tensor,
                          ignore_index: int = 255, clamp: float = 1e-4,
                          weights: Optional[torch.Tensor] = None
                          ) -> torch.Tensor:
    """-sum_c p_c log(clamp(onehot(y)_c, clamp, 1)), mean over kept units.

    Args:
        logits: (N, C) student logits.
        labels: (N,) targets; ``ignore_index`` units are masked out.
        weights: optional (N,) unit weights (a weighted mean).

    Returns:
        0-dim loss (official: masked sum / (count + 1e-6)).
    """
    keep = labels != ignore_index
    probs = torch.softmax(logits.float(), 1).clamp(min=1e-7, max=1.0)
    onehot = F.one_hot(torch.where(keep, labels, 0).long(),
                       logits.shape[1]).float().clamp(min=clamp, max=1.0)
    rce = -(probs * torch.log(onehot)).sum(1)
    if weights is not None:
        w = weights * keep
        return (rce * w).sum() / w.sum().clamp_min(1e-12)
    return (rce * keep).sum() / (keep.sum() + 1e-6)


class SymmetricLoss(nn.Module):
    """alpha * CE(logits, y) + beta * RCE(logits, y_long).

    Args:
        alpha: CE weight (official 0.1).
        beta: RCE weight (official 1.0).
        ignore_index: label of ignored units (both terms).
    """

    def __init__(self, alpha: float = 0.1, beta: float = 1.0,
                 ignore_index: int = 255):
        super().__init__()
        self.alpha, self.beta, self.ignore_index = alpha, beta, ignore_index

    def forward(self, logits: torch.Tensor, labels: torch.Tensor,
                labels_long: torch.Tensor,
                weights: Optional[torch.Tensor] = None
                ) -> Dict[str, torch.Tensor]:
        """(N, C) logits, (N,) labels -> ``{'loss_ce', 'loss_rce'}``;
        optional (N,) unit ``weights`` make both terms weighted means
        (``bimem_plus``'s class balance; None: the official loss)."""
        if weights is not None:
            return self._weighted(logits, labels, labels_long, weights)
        keep = labels != self.ignore_index
        ce = F.cross_entropy(logits.float(), labels.long(),
                             ignore_index=self.ignore_index, reduction='sum')
        ce = ce / keep.sum().clamp_min(1)
        rce = reverse_cross_entropy(logits, labels_long, self.ignore_index)
        return {'loss_ce': self.alpha * ce, 'loss_rce': self.beta * rce}

    def _weighted(self, logits, labels, labels_long, weights):
        keep = labels != self.ignore_index
        ce = F.cross_entropy(logits.float(), torch.where(keep, labels, 0)
                             .long(), reduction='none')
        w = weights * keep
        ce = (ce * w).sum() / w.sum().clamp_min(1e-12)
        rce = reverse_cross_entropy(logits, labels_long, self.ignore_index,
                                    weights=weights)
        return {'loss_ce': self.alpha * ce, 'loss_rce': self.beta * rce}
