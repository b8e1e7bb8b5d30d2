"""Short-term memory: a FIFO queue of (feature, label) pairs."""
import torch
from torch import nn

from .grouped import class_means

READY_CHECKS = ('count', 'official')


class ShortTermMemory(nn.Module):
    """FIFO queue of the ``length`` most recent memorised units.

    Stored as a ring buffer (buffers ``features`` (L, D), ``labels`` (L,),
    ``ptr`` and ``num_pushed``), so pushing costs O(pushed), not O(L).

    Args:
        length: L, queue capacity (official 65536).
        feat_dim: D.
        num_classes: C.
        min_count: a class needs this many queued units to get a short-term
            prototype; otherwise it falls back to the long-term one
            (official 10).
        ready_check: when the queue counts as ready. ``'count'`` (default):
            once L units have been pushed. ``'official'``: the official
            test ``label of the oldest slot != 0``, which also reads a full
            queue as empty when that label is class 0 (a known defect).
    """

    def __init__(self, length: int, feat_dim: int, num_classes: int,
                 min_count: int = 10, ready_check: str = 'count'):
        super().__init__()
        if ready_check not in READY_CHECKS:
            raise ValueError(f'ready_check must be one of {READY_CHECKS}, '
                             f'got {ready_check!r}')
        self.length, self.num_classes = length, num_classes
        self.min_count, self.ready_check = min_count, ready_check
        self.register_buffer('features', torch.zeros(length, feat_dim))
        self.register_buffer('labels', torch.zeros(length, dtype=torch.long))
        self.register_buffer('ptr', torch.zeros((), dtype=torch.long))
        self.register_buffer('num_pushed', torch.zeros((), dtype=torch.long))

    @torch.no_grad()
    def push(self, features: torch.Tensor, labels: torch.Tensor) -> None:
        """Enqueue (M, D) features with (M,) labels; the oldest drop out."""
        m = features.shape[0]
        if m == 0:
            return
        if m > self.length:
            features, labels = features[-self.length:], labels[-self.length:]
            m = self.length
        slots = (self.ptr + torch.arange(m, device=self.ptr.device)) \
            % self.length
        self.features[slots] = features.to(self.features.dtype)
        self.labels[slots] = labels.long()
        self.ptr.copy_((self.ptr + m) % self.length)
        self.num_pushed.add_(m)

    def fill(self) -> torch.Tensor:
        """Fraction of the queue holding pushed units (0-dim tensor)."""
        return self.num_pushed.clamp(max=self.length).float() / self.length

    def is_ready(self) -> torch.Tensor:
        """0-dim bool tensor: may the short-term prototypes be used?"""
        full = self.num_pushed >= self.length
        if self.ready_check == 'count':
            return full
        # official: look at the oldest entry (slot L-1 until the first wrap)
        oldest = torch.where(full, self.ptr, self.ptr.new_tensor(
            self.length - 1))
        return self.labels[oldest] != 0

    def ordered(self):
        """Queue content oldest first: (features (n, D), labels (n,))."""
        n = int(min(int(self.num_pushed), self.length))
        start = int(self.ptr) if int(self.num_pushed) >= self.length else 0
        idx = (torch.arange(n, device=self.ptr.device) + start) % self.length
        return self.features[idx], self.labels[idx]

    def prototypes(self, fallback: torch.Tensor):
        """Per-class queue means, falling back for rare/absent classes.

        Args:
            fallback: (C, D) long-term prototypes.

        Returns:
            prototypes (C, D) and a (C,) bool mask of the classes that have
            their own short-term prototype.
        """
        filled = torch.arange(self.length, device=self.labels.device) \
            < self.num_pushed
        labels = torch.where(filled, self.labels,
                             self.labels.new_tensor(-1))
        means, counts = class_means(self.features, labels, self.num_classes)
        own = counts >= self.min_count
        return torch.where(own[:, None], means, fallback), own
