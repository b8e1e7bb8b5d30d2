"""BiMem: the three memories and both flows, on flat units.

Every task hands the same flat tensors to :meth:`BiMem.refine`:

* ``features`` (N, D): teacher features z (sensory memory),
* ``teacher_probs`` (N, C): softmax of the teacher logits, q,
* ``bb_probs`` (N, C): the black-box distribution p_src,
* ``groups`` (N,): the image each unit belongs to,
* ``valid`` (N,) bool (optional): units that exist (not padding).

One call runs the official order of an iteration: long-term weights ->
sensory selection labelled argmax(w_long * q) -> queue push -> short-term
prototypes -> fused labels -> long-term update (the loss only depends on
labels computed before the update, so this equals the official "update
after the optimizer step").
"""
from typing import Dict, Optional

import torch
from torch import nn

from .calibration import Calibration, calibrate, hard_labels, memory_weights
from .distributed import all_gather_cat
from .distributions import entropy
from .grouped import select_top_k
from .long_term import LongTermMemory
from .short_term import ShortTermMemory

SELECTIONS = ('high_entropy', 'low_entropy', 'random')


class BiMem(nn.Module):
    """Sensory, short-term and long-term memories with both flows.

    Args:
        num_classes: C.
        feat_dim: D of the memorised features.
        queue_length: L of the short-term memory (official 65536).
        units_per_group: k units per image enter the queue (official 256).
        selection: ``'high_entropy'`` (official ``topk(entropy)``),
            ``'low_entropy'`` or ``'random'``.
        temperature: T of the memory weights (official 1.0).
        momentum: lam of the long-term update (official 1e-4).
        short_weight: 1 - a, share of the short-term term (official 0.5).
        threshold: ``train_thred`` (official 0: nothing ignored).
        min_units_short: queue units a class needs (official 10).
        min_units_long: units per (image, class) for a long-term vector
            (official 10 pixels; 1 for classification).
        ready_check: ``'count'`` or ``'official'`` (see ShortTermMemory).
        use_short: False: ablation without the short-term memory.
        use_long: False: ablation without long-term calibration (w_long
            uniform; prototypes stay at their initialisation and only
            serve as the short-term fallback).
        ignore_index: label of ignored units.
    """

    def __init__(self, num_classes: int, feat_dim: int,
                 queue_length: int = 65536, units_per_group: int = 256,
                 selection: str = 'high_entropy', temperature: float = 1.0,
                 momentum: float = 1e-4, short_weight: float = 0.5,
                 threshold: float = 0.0, min_units_short: int = 10,
                 min_units_long: int = 10, ready_check: str = 'count',
                 use_short: bool = True, use_long: bool = True,
                 ignore_index: int = 255, seed: int = 0):
        super().__init__()
        if selection not in SELECTIONS:
            raise ValueError(f'selection must be one of {SELECTIONS}, '
                             f'got {selection!r}')
        self.num_classes, self.feat_dim = num_classes, feat_dim
        self.units_per_group, self.selection = units_per_group, selection
        self.temperature, self.short_weight = temperature, short_weight
        self.threshold, self.ignore_index = threshold, ignore_index
        self.use_short, self.use_long = use_short, use_long
        self.long_term = LongTermMemory(num_classes, feat_dim, momentum,
                                        min_units_long)
        self.short_term = ShortTermMemory(queue_length, feat_dim, num_classes,
                                          min_units_short, ready_check)
        self._generator = None
        self._seed = seed
        self._last_zero_mass = torch.zeros((), dtype=torch.long)

    @property
    def initialized(self) -> bool:
        return bool(self.long_term.initialized)

    # --- backward flow ---------------------------------------------------
    def long_weights(self, features: torch.Tensor) -> torch.Tensor:
        """(N, D) -> (N, C) long-term weights (uniform when ablated)."""
        if not self.use_long:
            n = features.shape[0]
            return features.new_full((n, self.num_classes),
                                     1.0 / self.num_classes)
        return memory_weights(features, self.long_term.prototypes,
                              self.temperature)

    # --- forward flow ----------------------------------------------------
    def _selection_scores(self, teacher_probs: torch.Tensor) -> torch.Tensor:
        if self.selection == 'high_entropy':
            return entropy(teacher_probs)
        if self.selection == 'low_entropy':
            return -entropy(teacher_probs)
        if self._generator is None or \
                self._generator.device != teacher_probs.device:
            self._generator = torch.Generator(teacher_probs.device)
            self._generator.manual_seed(self._seed)
        return torch.rand(teacher_probs.shape[0], generator=self._generator,
                          device=teacher_probs.device)

    def memorize(self, features, teacher_probs, w_long, groups,
                 valid=None) -> torch.Tensor:
        """Sensory -> short-term: push k units per image into the queue.

        Returns:
            (M,) indices of the selected units (this rank).
        """
        sensory_labels = hard_labels(w_long * teacher_probs, self.threshold,
                                     self.ignore_index)
        # worst-first within an image, images in order: the ring buffer then
        # holds the units oldest-to-newest exactly as the official queue
        # (which prepends each image's top-k) holds them newest-to-oldest
        idx = select_top_k(self._selection_scores(teacher_probs), groups,
                           self.units_per_group, valid, best_first=False)
        feats, labels = all_gather_cat([features[idx].float(),
                                        sensory_labels[idx]])
        self.short_term.push(feats, labels)
        return idx

    @torch.no_grad()
    def refine(self, features: torch.Tensor, teacher_probs: torch.Tensor,
               bb_probs: torch.Tensor, groups: torch.Tensor,
               valid: Optional[torch.Tensor] = None) -> Calibration:
        """One iteration of both flows; returns the calibrated labels.

        Args:
            features: (N, D) teacher features.
            teacher_probs: (N, C) teacher softmax.
            bb_probs: (N, C) black-box distribution.
            groups: (N,) image ids.
            valid: (N,) bool, optional.
        """
        if not self.initialized:
            raise RuntimeError(
                'BiMem long-term memory is not initialised: run '
                'tools/init_memory.py (or BiMemHook does it before training)')
        features = features.float()
        w_long = self.long_weights(features)
        w_short, short_ready = None, features.new_zeros((), dtype=torch.bool)
        if self.use_short:
            self.memorize(features, teacher_probs, w_long, groups, valid)
            short_protos, short_own = self.short_term.prototypes(
                self.long_term.prototypes)
            short_ready = self.short_term.is_ready()
            w_short = memory_weights(features, short_protos, self.temperature)
        result = calibrate(bb_probs, w_long, w_short, short_ready,
                           self.short_weight, self.threshold,
                           self.ignore_index)
        self._last_zero_mass = result.zero_mass
        if self.use_long:
            mix = {}
            if self.use_short:
                mix = dict(short_prototypes=short_protos,
                           short_own=short_own & short_ready)
            self.long_term.update(features, teacher_probs.argmax(1), groups,
                                  valid, **mix)
        return result

    # --- long-term initialisation ---------------------------------------
    @torch.no_grad()
    def accumulate_init(self, features, probs, groups, valid=None) -> None:
        """Add a batch of the initialisation pass (labels: argmax probs)."""
        self.long_term.accumulate(features, probs.argmax(1), groups, valid)

    @torch.no_grad()
    def finalize_init(self) -> torch.Tensor:
        """Set the long-term prototypes; returns (C,) vectors per class."""
        return self.long_term.finalize()

    def statistics(self) -> Dict[str, torch.Tensor]:
        """Memory state for logging (0-dim tensors)."""
        return {
            'queue_fill': self.short_term.fill(),
            'short_ready': self.short_term.is_ready().float(),
            'proto_norm': self.long_term.prototypes.norm(dim=1).mean(),
            'proto_drift': self.long_term.drift(),
            # units of the last refine() whose w * p was all zero (ignored)
            'zero_mass': self._last_zero_mass.float(),
        }
