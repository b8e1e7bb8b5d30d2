"""The table-free DINE-style target, shared by the dense-task baselines.

DINE (Liang et al., CVPR 2022) keeps one soft label per training sample,
started from the black box's prediction and moved towards the model's own
prediction once per epoch (``m <- gamma * m + (1 - gamma) * p_model``;
``bimem_mm.cls.DINEClassifier`` does exactly that). Dense tasks cannot keep
that table: a segmentation unit is a pixel (an (N, H, W, C) table for N
scenes) and detection units are black-box boxes whose number and position
change with every augmented view. :class:`DINEMethod` replaces the
table by what it would hold: for a unit

    target = w * p_bb + (1 - w) * p_teacher,    w = gamma ** epochs_seen

where ``p_teacher`` is the EMA teacher's softmax on the same units (the EMA
of the model that ``BiMemHook`` keeps, i.e. the EMA of the model's
predictions a table would accumulate), and ``epochs_seen = samples seen /
training set size`` (DINE's per-epoch decay of the black box's share). The
differences from a per-sample table: the teacher is an EMA over *weights*
updated every iteration (``BiMemHook`` momentum) rather than an EMA of
each sample's predictions taken at its visits, and the black box's share
decays with the epochs of the whole run rather than the visits of each
sample (the same in expectation under uniform sampling).

The target itself is :class:`bimem_mm.core.AdaptiveTarget`, the module that
also gives ``bimem_plus`` its adaptive source (``adaptive_source``).
"""
from typing import Dict, Optional, Tuple

import torch

from ..core import AdaptiveTarget, label_accuracies
from .bimem_method import BIMEM_OPTIONS
from .teacher_student import Units


class DINEMethod:
    """The DINE-style method of a task adapter: put it first in the bases
    of a :class:`~bimem_mm.models.TeacherStudentAdapter` subclass, which
    then trains with :meth:`dine_loss` (``stage='bimem'``) instead of
    BiMem's loss.

    It refuses the BiMem method's options (``im_weight``, ``im_prior``,
    ``mix_weight``, ``mix_alpha``, ``adaptive_source``: its own go into
    ``dine=dict(...)``), and a ``refiner`` or ``loss`` config: it uses
    neither the memories nor the BiMem loss (DINE configs set both to None
    over the shared adaptation base; ``BiMemHook`` skips the memory
    initialisation). Checkpoints of DINE models that still had the unused
    refiner load: its buffers are dropped on load.

    State (``table_free``, the dense tasks): the
    :class:`~bimem_mm.core.AdaptiveTarget` ``dine_target`` (buffer
    ``dine_target.samples_seen``: samples trained on, over all ranks; saved
    in checkpoints so ``--resume`` continues the decay; a warm-up checkpoint
    has none and starts it at 0). The training set size comes from
    ``dine.num_samples`` or from ``BiMemHook``, which calls
    ``prepare_for_dataset`` before training.
    """

    uses_memory = False   # BiMemHook skips the long-term initialisation
    needs_refiner = False
    table_free = True     # False: the subclass keeps DINE's per-sample table
    dine_defaults = dict(num_samples=None, momentum=0.6, im_weight=1.0)

    def __init__(self, *args, dine: Optional[dict] = None, **kwargs):
        unused = sorted(k for k in ('refiner', 'loss')
                        if kwargs.get(k) is not None)
        if unused:
            raise TypeError(f'{type(self).__name__} does not use {unused} '
                            '(no memories, its own loss): set them to None')
        given = sorted(set(BIMEM_OPTIONS) & set(kwargs))
        if given:
            raise TypeError(f'{type(self).__name__} does not use the BiMem '
                            f'option(s) {given}: DINE\'s own go into '
                            f'dine=dict(...) (known: '
                            f'{sorted(self.dine_defaults)})')
        kwargs.setdefault('stage', 'bimem')
        super().__init__(*args, **kwargs)
        self.init_dine(dine)

    def init_dine(self, dine: Optional[dict]) -> None:
        """Set ``dine_cfg`` (``dine_defaults`` updated by ``dine``) and,
        table-free, the target ``dine_target``."""
        cfg = dict(self.dine_defaults)
        unknown = set(dine or {}) - set(cfg)
        if unknown:
            raise TypeError(f'{type(self).__name__}: unknown dine options '
                            f'{sorted(unknown)}; known: {sorted(cfg)}')
        cfg.update(dine or {})
        if not 0.0 <= cfg['momentum'] <= 1.0:
            raise ValueError(f'dine.momentum must be in [0, 1], got '
                             f'{cfg["momentum"]}')
        self.dine_cfg = cfg
        if self.table_free:
            self.dine_target = AdaptiveTarget(cfg['momentum'],
                                              cfg['num_samples'], 'dine')

    def method_loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        return self.dine_loss(inputs, data_samples)

    def dine_loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        """The task's DINE loss (the task adapter's subclass)."""
        raise NotImplementedError

    @torch.no_grad()
    def dine_targets(self, inputs, data_samples
                     ) -> Tuple[Units, torch.Tensor, torch.Tensor, float]:
        """The batch's targets; counts the batch as seen.

        Returns:
            teacher units, (N, C) black-box distribution, (N, C) targets
            ``w * p_bb + (1 - w) * p_teacher`` and w.
        """
        self.dine_target.share()   # fails before the teacher's forward
        teacher = self.units(self.teacher, inputs, data_samples)
        bb = self.black_box(data_samples, teacher)
        targets, share = self.dine_target(
            bb, torch.softmax(teacher.logits.float(), 1), len(data_samples))
        return teacher, bb, targets, share

    @torch.no_grad()
    def dine_statistics(self, student_logits: torch.Tensor,
                        bb: torch.Tensor, targets: torch.Tensor,
                        share: float, units: Units,
                        data_samples) -> Dict[str, torch.Tensor]:
        """Logged with the losses: w, agreement of the student's argmax
        with the black box and the target, and with the user's opt-in
        analysis labels the accuracy of black box and target."""
        device = targets.device
        keep = units.valid if units.valid is not None else torch.ones(
            len(targets), dtype=torch.bool, device=device)
        n = keep.sum().clamp_min(1).float()
        pred = student_logits.argmax(1)
        stats = {
            'dine/bb_share': torch.tensor(share, device=device),
            'dine/bb_agree': ((pred == bb.argmax(1)) & keep).sum() / n,
            'dine/target_agree': ((pred == targets.argmax(1)) & keep
                                  ).sum() / n,
        }
        truth = self.analysis_labels(data_samples, units)
        if truth is not None:
            stats.update(label_accuracies(
                truth, keep, self.ignore_index, 'dine/',
                black_box=bb.argmax(1), target=targets.argmax(1)))
        return stats


#: the name before issue 13
DINETargetMixin = DINEMethod
