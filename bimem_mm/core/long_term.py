"""Long-term memory: one prototype per class, slowly updated."""
import torch
from torch import nn

from .distributed import all_gather_cat, all_reduce_sum
from .grouped import group_class_means, rank_within


class LongTermMemory(nn.Module):
    """Class prototypes ``mu`` (C, D) with the official momentum update.

    Buffers: ``prototypes`` (C, D), ``initialized`` (0-dim bool), the
    initialisation accumulators ``init_sum`` (C, D) / ``init_count`` (C,),
    and ``initial`` (C, D), the prototypes as initialised (for drift).

    Args:
        num_classes: C.
        feat_dim: D.
        momentum: lam, the update rate of both the prototype and the
            short-term mix (official ``proto_momentum`` 1e-4).
        min_count: a (group, class) pair needs this many units to yield a
            vector, in initialisation and update (official 10 pixels).
    """

    def __init__(self, num_classes: int, feat_dim: int,
                 momentum: float = 1e-4, min_count: int = 10):
        super().__init__()
        self.num_classes, self.momentum = num_classes, momentum
        self.min_count = min_count
        self.register_buffer('prototypes', torch.zeros(num_classes, feat_dim))
        self.register_buffer('initialized', torch.zeros((), dtype=torch.bool))
        self.register_buffer('init_sum', torch.zeros(num_classes, feat_dim))
        self.register_buffer('init_count',
                             torch.zeros(num_classes, dtype=torch.long))
        # the prototypes right after initialisation, to measure drift
        self.register_buffer('initial', torch.zeros(num_classes, feat_dim))

    # --- initialisation: mean of per-(image, class) mean features -------
    @torch.no_grad()
    def accumulate(self, features, labels, groups, valid=None) -> None:
        """Add one batch of the initialisation pass (no DDP sync here).

        Args:
            features: (N, D) warm-up model features.
            labels: (N,) its own predicted classes.
            groups: (N,) image ids.
            valid: optional (N,) bool mask.
        """
        means, classes, _ = group_class_means(
            features.float(), labels, groups, self.num_classes,
            self.min_count, valid)
        self.init_sum.index_add_(0, classes, means)
        self.init_count += torch.bincount(classes,
                                          minlength=self.num_classes)

    @torch.no_grad()
    def finalize(self) -> torch.Tensor:
        """Sum the accumulators over ranks and set the prototypes.

        Returns:
            (C,) counts of vectors per class (0: the class was never seen
            and keeps a zero prototype).
        """
        total = all_reduce_sum(self.init_sum.clone())
        count = all_reduce_sum(self.init_count.clone())
        self.prototypes.copy_(total / count.clamp_min(1)[:, None])
        self.initial.copy_(self.prototypes)
        self.initialized.fill_(True)
        self.init_sum.zero_()
        self.init_count.zero_()
        return count

    # --- training update ------------------------------------------------
    @torch.no_grad()
    def update(self, features, labels, groups, valid=None,
               short_prototypes=None, short_own=None) -> torch.Tensor:
        """Momentum update from a batch, as the official sequential loop.

        Each (image, class) mean ``v`` (optionally mixed with the short-term
        prototype: ``v <- (1-lam) v + lam mu_short``) updates
        ``mu <- (1-lam) mu + lam v`` in image-then-class order; the
        sequence is applied in closed form, vectors from all ranks in rank
        order.

        Returns:
            (M, D) the vectors applied (after mixing), for inspection.
        """
        lam = self.momentum
        vecs, classes, _ = group_class_means(
            features.float(), labels, groups, self.num_classes,
            self.min_count, valid)
        vecs, classes = all_gather_cat([vecs, classes])
        if short_prototypes is not None:
            mix = short_own[classes][:, None]
            vecs = torch.where(
                mix, (1 - lam) * vecs + lam * short_prototypes[classes], vecs)
        n = torch.bincount(classes, minlength=self.num_classes)
        # the i-th of n_c vectors of class c is weighted lam (1-lam)^(n_c-1-i)
        rank = rank_within(classes, -torch.arange(
            len(classes), device=classes.device, dtype=torch.float))
        power = (n[classes] - 1 - rank).to(vecs.dtype)
        weights = lam * (1 - lam) ** power
        decay = (1 - lam) ** n.to(vecs.dtype)
        new = self.prototypes * decay[:, None]
        new.index_add_(0, classes, vecs * weights[:, None])
        self.prototypes.copy_(new)
        return vecs

    def drift(self) -> torch.Tensor:
        """Mean L2 distance of the prototypes from their initial values."""
        return (self.prototypes - self.initial).norm(dim=1).mean()
