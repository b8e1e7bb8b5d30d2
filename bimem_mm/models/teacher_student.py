"""Student + EMA teacher around a task model, the shape of every adapter.

Like mmdet's ``SemiBaseDetector``: the wrapped model is built from a
``model=`` config twice (``student`` and ``teacher``). A task adapter
(``bimem_mm.cls``, ``.seg``, ``.det``) only says how its *units* are laid
out: :meth:`units` returns flat per-unit features and logits, and
:meth:`black_box` the black-box distribution of the same units.
"""
from typing import Dict, List, NamedTuple, Optional

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel

from ..core import Calibration, hard_labels
from ..core.dine import information_maximization
from ..registry import MODELS

STAGES = ('warmup', 'bimem')


class Units(NamedTuple):
    """Flat units of a batch: features (N, D), logits (N, C), groups (N,)
    image index, valid (N,) bool or None."""
    features: torch.Tensor
    logits: torch.Tensor
    groups: torch.Tensor
    valid: Optional[torch.Tensor] = None


class BiMemTeacherStudent(BaseModel):
    """Base of the BiMem wrappers.

    A task adapter sets ``default_preprocessor`` (the type used when the
    data preprocessor config names none, as the task libraries do).

    Args:
        model: config of the task model (student; the teacher is a copy
            that the EMA in ``BiMemHook`` keeps up to date).
        refiner: config of the ``bimem_mm.BiMemRefiner`` (the memories);
            ``num_classes`` and ``feat_dim`` default to the model's.
        loss: config of the BiMem loss.
        stage: ``'warmup'`` (cross entropy on argmax of the black box, the
            official "baseline" stage) or ``'bimem'``.
        warmup_threshold: warm-up units whose max black-box probability is
            below this are ignored (official ``train_thred`` 0).
        predict_on: ``'student'`` (the last iterate, default) or
            ``'teacher'`` for evaluation.
        teacher_train_mode: keep the teacher in train mode (BN batch
            statistics, dropout on) as the official code does; False puts
            it in eval mode.
        ignore_index: label of ignored units.
        im_weight: weight of an information-maximisation term on the
            student's units (0: the faithful BiMem loss; ``bimem_plus``).
        data_preprocessor: defaults to the wrapped model's.
    """

    default_preprocessor = 'BaseDataPreprocessor'

    def __init__(self, model: dict, refiner: dict,
                 loss: dict = dict(type='bimem_mm.BiMemLoss'),
                 stage: str = 'bimem', warmup_threshold: float = 0.0,
                 predict_on: str = 'student', teacher_train_mode: bool = True,
                 ignore_index: int = 255, im_weight: float = 0.0,
                 data_preprocessor: Optional[dict] = None, init_cfg=None):
        if stage not in STAGES:
            raise ValueError(f'stage must be one of {STAGES}, got {stage!r}')
        if predict_on not in ('student', 'teacher'):
            raise ValueError(f'predict_on must be student or teacher, got '
                             f'{predict_on!r}')
        model = dict(model)
        if data_preprocessor is None:
            data_preprocessor = model.get('data_preprocessor')
        if data_preprocessor is not None and 'type' not in data_preprocessor:
            data_preprocessor = dict(data_preprocessor,
                                     type=self.default_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.student = MODELS.build(model)
        self.teacher = MODELS.build(model)
        self.teacher.requires_grad_(False)
        refiner = dict(refiner)
        num_classes, feat_dim = self.model_dims(self.student)
        refiner.setdefault('num_classes', num_classes)
        refiner.setdefault('feat_dim', feat_dim)
        refiner.setdefault('ignore_index', ignore_index)
        self.refiner = MODELS.build(refiner)
        self.loss_fn = MODELS.build(loss)
        self.stage, self.predict_on = stage, predict_on
        self.warmup_threshold = warmup_threshold
        self.teacher_train_mode = teacher_train_mode
        self.ignore_index = ignore_index
        self.im_weight = im_weight

    # --- what a task adapter provides ----------------------------------
    def model_dims(self, model):
        """(C, D) of a built task model: classes and unit feature size
        (fill the refiner's ``num_classes``/``feat_dim`` when not given)."""
        raise NotImplementedError

    def units(self, model, inputs, data_samples) -> Units:
        """Flat units of ``model`` (student or teacher) on a batch."""
        raise NotImplementedError

    def black_box(self, data_samples, units: Units) -> torch.Tensor:
        """(N, C) black-box distribution of the same units."""
        raise NotImplementedError

    def analysis_labels(self, data_samples,
                        units: Units) -> Optional[torch.Tensor]:
        """(N,) true labels of the units when the user opted in to
        pseudo-label accuracy logging, else None. Never used in a loss."""
        return None

    # --- training -------------------------------------------------------
    def train(self, mode: bool = True):
        super().train(mode)
        if not self.teacher_train_mode:
            self.teacher.eval()
        return self

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self._model_for_predict()._forward(inputs, data_samples)
        raise RuntimeError(f'Invalid mode "{mode}".')

    def loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        if self.stage == 'warmup':
            return self.warmup_loss(inputs, data_samples)
        return self.bimem_loss(inputs, data_samples)

    def warmup_loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        """Cross entropy of the student on argmax of the black box."""
        student = self.units(self.student, inputs, data_samples)
        bb = self.black_box(data_samples, student)
        labels = hard_labels(bb, self.warmup_threshold, self.ignore_index)
        return {'loss_ce': self.masked_ce(student.logits, labels, student)}

    def bimem_loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        """Refine the black-box labels with the memories, then the loss."""
        teacher, bb, cal = self.refine(inputs, data_samples)
        student = self.units(self.student, inputs, data_samples)
        losses = self.loss_fn(student.logits, self.masked(cal.labels, student),
                              self.masked(cal.labels_long, student))
        if self.im_weight:
            logits = student.logits if student.valid is None else \
                student.logits[student.valid]
            losses['loss_im'] = self.im_weight * information_maximization(
                logits)
        losses.update(self.statistics(cal, bb, teacher, data_samples))
        return losses

    @torch.no_grad()
    def refine(self, inputs, data_samples):
        """Teacher units, black-box distribution and calibrated labels."""
        teacher = self.units(self.teacher, inputs, data_samples)
        bb = self.black_box(data_samples, teacher)
        cal = self.refiner.refine(teacher.features,
                                  torch.softmax(teacher.logits.float(), 1),
                                  bb, teacher.groups, teacher.valid)
        return teacher, bb, cal

    def masked(self, labels: torch.Tensor, units: Units) -> torch.Tensor:
        """Labels with invalid units set to ``ignore_index``."""
        if units.valid is None:
            return labels
        return torch.where(units.valid, labels,
                           labels.new_tensor(self.ignore_index))

    def masked_ce(self, logits, labels, units: Units) -> torch.Tensor:
        """Cross entropy averaged over units that are kept."""
        labels = self.masked(labels, units)
        keep = (labels != self.ignore_index).sum().clamp_min(1)
        return F.cross_entropy(logits.float(), labels.long(),
                               ignore_index=self.ignore_index,
                               reduction='sum') / keep

    def statistics(self, cal: Calibration, bb: torch.Tensor, units: Units,
                   data_samples) -> Dict[str, torch.Tensor]:
        """Memory statistics logged with the losses (no gradient)."""
        keep = units.valid if units.valid is not None else \
            torch.ones_like(cal.labels, dtype=torch.bool)
        n = keep.sum().clamp_min(1).float()
        bb_labels = bb.argmax(1)
        stats = {f'bimem/{k}': v for k, v in self.refiner.statistics().items()}
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
            known = keep & (truth >= 0) & (truth != self.ignore_index)
            m = known.sum().clamp_min(1).float()
            stats['bimem/acc_black_box'] = ((bb_labels == truth) & known
                                            ).sum() / m
            stats['bimem/acc_calibrated'] = ((cal.labels == truth) & known
                                             ).sum() / m
            stats['bimem/acc_long'] = ((cal.labels_long == truth) & known
                                       ).sum() / m
        return stats

    # --- long-term memory initialisation ---------------------------------
    @torch.no_grad()
    def init_memory_step(self, data: dict) -> None:
        """Accumulate one batch of the long-term initialisation pass.

        Uses the teacher (a copy of the warm-up model) in eval mode.
        """
        data = self.data_preprocessor(data, False)
        was_training = self.teacher.training
        self.teacher.eval()
        units = self.units(self.teacher, data['inputs'],
                           data['data_samples'])
        self.teacher.train(was_training)
        self.refiner.accumulate_init(units.features,
                                     torch.softmax(units.logits.float(), 1),
                                     units.groups, units.valid)

    # --- evaluation -----------------------------------------------------
    def _model_for_predict(self):
        return self.student if self.predict_on == 'student' else self.teacher

    def predict(self, inputs, data_samples=None) -> List:
        return self._model_for_predict().predict(inputs, data_samples)
