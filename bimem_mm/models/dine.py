"""The table-free DINE-style target, shared by the dense-task baselines.

DINE (Liang et al., CVPR 2022) keeps one soft label per training sample,
started from the black box's prediction and moved towards the model's own
prediction once per epoch (``m <- gamma * m + (1 - gamma) * p_model``;
``bimem_mm.cls.DINEClassifier`` does exactly that). Dense tasks cannot keep
that table: a segmentation unit is a pixel (an (N, H, W, C) table for N
scenes) and detection units are black-box boxes whose number and position
change with every augmented view. :class:`DINETargetMixin` replaces the
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
"""
from typing import Dict, Optional, Tuple

import torch

from ..core.dine import black_box_share, dine_targets
from ..core.distributed import all_reduce_sum
from .teacher_student import Units


class DINETargetMixin:
    """The DINE target of :mod:`bimem_mm.models.dine` for a
    :class:`~bimem_mm.models.BiMemTeacherStudent` subclass (put it first
    in the bases).

    State: buffer ``dine_samples_seen`` (samples trained on, over all
    ranks; saved in checkpoints so ``--resume`` continues the decay; a
    warm-up checkpoint has none and starts it at 0). The training set size
    comes from ``dine.num_samples`` or from ``BiMemHook``, which calls
    :meth:`prepare_for_dataset` before training.
    """

    uses_memory = False   # BiMemHook skips the long-term initialisation
    dine_defaults = dict(num_samples=None, momentum=0.6, im_weight=1.0)

    def __init__(self, *args, dine: Optional[dict] = None, **kwargs):
        kwargs.setdefault('stage', 'bimem')
        super().__init__(*args, **kwargs)
        self.init_dine(dine)

    def init_dine(self, dine: Optional[dict]) -> None:
        """Set ``dine_cfg`` (``dine_defaults`` updated by ``dine``) and the
        sample counter (``__init__`` calls it after the wrapper's own)."""
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
        self.dine_num_samples = cfg['num_samples']
        self.register_buffer('dine_samples_seen',
                             torch.zeros((), dtype=torch.long))

    def prepare_for_dataset(self, num_samples: int) -> None:
        """The training set size (epochs of the black box's decay)."""
        self.dine_num_samples = int(num_samples)

    def black_box_share(self) -> float:
        """w = momentum ** (samples seen / training set size)."""
        if not self.dine_num_samples:
            raise RuntimeError(f'{type(self).__name__} needs '
                               'dine.num_samples or BiMemHook to know the '
                               'training set size')
        return black_box_share(self.dine_cfg['momentum'],
                               int(self.dine_samples_seen),
                               self.dine_num_samples)

    @torch.no_grad()
    def count_samples(self, n: int) -> None:
        """Add this step's ``n`` samples (summed over ranks)."""
        seen = torch.tensor(n, dtype=torch.long,
                            device=self.dine_samples_seen.device)
        self.dine_samples_seen += all_reduce_sum(seen)

    @torch.no_grad()
    def dine_targets(self, inputs, data_samples
                     ) -> Tuple[Units, torch.Tensor, torch.Tensor, float]:
        """The batch's targets; counts the batch as seen.

        Returns:
            teacher units, (N, C) black-box distribution, (N, C) targets
            ``w * p_bb + (1 - w) * p_teacher`` and w.
        """
        share = self.black_box_share()
        teacher = self.units(self.teacher, inputs, data_samples)
        bb = self.black_box(data_samples, teacher)
        targets = dine_targets(bb, torch.softmax(teacher.logits.float(), 1),
                               share)
        self.count_samples(len(data_samples))
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
            known = keep & (truth >= 0) & (truth != self.ignore_index)
            m = known.sum().clamp_min(1).float()
            stats['dine/acc_black_box'] = ((bb.argmax(1) == truth) & known
                                           ).sum() / m
            stats['dine/acc_target'] = ((targets.argmax(1) == truth) & known
                                        ).sum() / m
        return stats
