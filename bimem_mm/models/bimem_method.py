"""The BiMem method of a teacher-student adapter (the paper's, and the
``bimem_plus`` options).

:class:`BiMemMethod` goes first in the bases of a registered wrapper
(``BiMemClassifier(BiMemMethod, ClassifierAdapter)``): the memories of the
adapter's ``refiner`` calibrate the black box's labels of the teacher's
units and the student trains on them with the BiMem loss.
"""
from typing import Dict, Optional

import torch

from ..core import AdaptiveTarget, Calibration, label_accuracies
from ..core.dine import information_maximization, soft_cross_entropy
from ..core.warmup import ClassBalance
from .teacher_student import Units

IM_PRIORS = ('uniform', 'black_box')
#: the options only the BiMem method reads (a baseline refuses them, and
#: a ``refiner`` or ``loss`` config: DINE configs set both to None)
BIMEM_OPTIONS = ('im_weight', 'im_prior', 'mix_weight', 'mix_alpha',
                 'adaptive_source', 'balance', 'soft_weight')


class BiMemMethod:
    """BiMem's loss for a :class:`~bimem_mm.models.TeacherStudentAdapter`
    subclass (put it first in the bases); needs the adapter's ``refiner``.

    Args:
        im_weight: weight of an information-maximisation term on the
            student's units (0: the faithful BiMem loss; ``bimem_plus``).
        im_prior: ``'uniform'`` (the usual diversity term) or
            ``'black_box'``: diverse towards the black box's class marginal
            over the batch's units (segmentation: background dominates).
        mix_weight: weight of a mixup-consistency term (0: faithful;
            ``bimem_plus``; tasks that implement :meth:`mixup_loss`).
        mix_alpha: Beta(alpha, alpha) of the mixup coefficient.
        adaptive_source: None (faithful: the memories calibrate the black
            box's distribution) or ``dict(momentum=0.6)``: they calibrate
            ``w * p_bb + (1 - w) * p_teacher`` with ``w = momentum **
            epochs`` (DINE's adaptive soft label, table-free) so the pseudo
            labels follow the adapted model as training goes on
            (``bimem_plus``). The training set size comes from
            ``BiMemHook`` (or ``num_samples``); the samples seen are the
            buffer of the :class:`~bimem_mm.core.AdaptiveTarget`
            ``source_target``, saved with the checkpoint. A ``bimem_plus``
            run started from a DINE checkpoint inherits its weights, not
            its counter ``dine_target``: w restarts at 1 (and the
            memories are initialised on the DINE model's features).
        loss: the BiMem loss config (None: ``bimem_mm.BiMemLoss`` with the
            official weights).
        balance: None (faithful) or the options of
            :class:`bimem_mm.core.warmup.ClassBalance` (``mode``,
            ``power``, ``momentum``, ``max_weight``): both loss terms become
            means weighted by ``freq[y] ** -power``, ``freq`` the frequency
            of the calibrated labels y (segmentation's ``bimem_plus``:
            background holds most pixels). Buffer ``label_balance.``.
        soft_weight: weight of a soft cross entropy of the student towards
            the calibrated distribution ``normalise(w_mem * p_source)``
            (0: faithful, hard labels only). With ``adaptive_source`` this
            is DINE's adaptive soft target with the memories' weights
            applied. Detection's ``bimem_plus`` sets 1 (its positive RoIs,
            :func:`bimem_mm.det.roi_loss.roi_loss`; docs/dev_suite/det.md);
            it lost for classification (docs/dev_suite/cls.md).
        *args, **kwargs: the adapter's.
    """

    needs_refiner = True
    default_loss = dict(type='bimem_mm.BiMemLoss')

    def __init__(self, *args, im_weight: float = 0.0,
                 im_prior: str = 'uniform', mix_weight: float = 0.0,
                 mix_alpha: float = 0.3,
                 adaptive_source: Optional[dict] = None,
                 loss: Optional[dict] = None,
                 balance: Optional[dict] = None, soft_weight: float = 0.0,
                 **kwargs):
        super().__init__(*args, loss=dict(loss or self.default_loss),
                         **kwargs)
        if im_prior not in IM_PRIORS:
            raise ValueError(f'im_prior must be one of {IM_PRIORS}, got '
                             f'{im_prior!r}')
        self.im_weight, self.im_prior = im_weight, im_prior
        self.mix_weight, self.mix_alpha = mix_weight, mix_alpha
        if soft_weight < 0:
            raise ValueError(f'soft_weight must be >= 0, got {soft_weight}')
        self.soft_weight = soft_weight
        self.adaptive_source = self._adaptive_source_cfg(adaptive_source)
        self.label_balance = None if balance is None else ClassBalance(
            **dict(dict(num_classes=self.refiner.num_classes,
                        ignore_index=self.ignore_index, name='balance'),
                   **balance))

    def _adaptive_source_cfg(self, cfg: Optional[dict]) -> Optional[dict]:
        if cfg is None:
            return None
        out = dict(momentum=0.6, num_samples=None)
        unknown = set(cfg) - set(out)
        if unknown:
            raise TypeError(f'adaptive_source: unknown options '
                            f'{sorted(unknown)}; known: {sorted(out)}')
        out.update(cfg)
        self.source_target = AdaptiveTarget(
            out['momentum'], out['num_samples'], 'adaptive_source')
        return out


    def method_loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        return self.bimem_loss(inputs, data_samples)

    def bimem_loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        """Refine the black-box labels with the memories, then the loss."""
        teacher, bb, cal = self.refine(inputs, data_samples)
        student = self.units(self.student, inputs, data_samples)
        labels = self.masked(cal.labels, student)
        weights = None if self.label_balance is None else \
            self.label_balance(labels)
        losses = self.loss_fn(student.logits, labels,
                              self.masked(cal.labels_long, student),
                              **({} if weights is None else
                                 dict(weights=weights)))
        if self.soft_weight:
            losses['loss_soft'] = self.soft_weight * soft_cross_entropy(
                student.logits, cal.probs, student.valid)
        if self.im_weight:
            losses['loss_im'] = self.im_loss(student.logits, bb,
                                             student.valid)
        if self.mix_weight:
            losses['loss_mix'] = self.mix_weight * self.mixup_loss(inputs,
                                                                   student)
        losses.update(self.statistics(cal, bb, teacher, data_samples))
        return losses

    def im_loss(self, logits: torch.Tensor, bb: torch.Tensor,
                valid: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``im_weight`` * information maximisation of the (N, C) ``logits``
        of the valid units (towards the black box's (N, C) marginal with
        ``im_prior='black_box'``); 0 for a batch without units."""
        all_logits = logits
        if valid is not None:
            logits, bb = logits[valid], bb[valid]
        if len(logits) == 0:
            return all_logits.sum() * 0.0
        prior = bb.float().mean(0) if self.im_prior == 'black_box' else None
        return self.im_weight * information_maximization(logits, prior=prior)

    def mixup_loss(self, inputs, units: Units) -> torch.Tensor:
        """Mixup consistency of the student on a batch whose units are
        ``units`` (the task adapter says how images and units mix)."""
        raise NotImplementedError(f'{type(self).__name__} has no mixup: '
                                  'set mix_weight=0')

    @torch.no_grad()
    def refine(self, inputs, data_samples):
        """Teacher units, black-box distribution and calibrated labels."""
        teacher = self.units(self.teacher, inputs, data_samples)
        bb = self.black_box(data_samples, teacher)
        probs = torch.softmax(teacher.logits.float(), 1)
        cal = self.refiner.refine(
            teacher.features, probs,
            self.source_distribution(bb, probs, len(data_samples)),
            teacher.groups, teacher.valid)
        return teacher, bb, cal

    @torch.no_grad()
    def source_distribution(self, bb: torch.Tensor, teacher_probs:
                            torch.Tensor, batch_size: int) -> torch.Tensor:
        """What the memories calibrate: the black box's (N, C)
        distribution, or with ``adaptive_source`` ``w * p_bb + (1 - w) *
        p_teacher`` (``source_target``; counts the batch's samples)."""
        if self.adaptive_source is None:
            return bb
        return self.source_target(bb, teacher_probs, batch_size)[0]


    def statistics(self, cal: Calibration, bb: torch.Tensor, units: Units,
                   data_samples) -> Dict[str, torch.Tensor]:
        """Memory statistics logged with the losses (no gradient)."""
        keep = units.valid if units.valid is not None else \
            torch.ones_like(cal.labels, dtype=torch.bool)
        n = keep.sum().clamp_min(1).float()
        bb_labels = bb.argmax(1)
        stats = {f'bimem/{k}': v for k, v in self.refiner.statistics().items()}
        if self.adaptive_source is not None:
            share = self.source_target.last_share
            stats['bimem/source_share'] = bb.new_tensor(
                self.source_target.share() if share is None else share)
        # share of the black box's labels that calibration kept / changed
        stats['bimem/bb_agree'] = ((cal.labels == bb_labels) & keep
                                   ).sum() / n
        stats['bimem/change_rate'] = 1 - stats['bimem/bb_agree']
        stats['bimem/long_short_agree'] = ((cal.labels == cal.labels_long)
                                           & keep).sum() / n
        stats['bimem/ignored'] = ((cal.labels == self.ignore_index) & keep
                                  ).sum() / n
        truth = self.analysis_labels(data_samples, units)
        if truth is not None:
            stats.update(label_accuracies(
                truth, keep, self.ignore_index, 'bimem/',
                black_box=bb_labels, calibrated=cal.labels,
                long=cal.labels_long))
        return stats
