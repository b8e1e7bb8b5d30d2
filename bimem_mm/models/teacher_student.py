"""Student + EMA teacher around a task model, the shape of every adapter.

Like mmdet's ``SemiBaseDetector``: the wrapped model is built from a
``model=`` config twice (``student`` and ``teacher``). A task adapter
(``bimem_mm.cls``, ``.seg``, ``.det``) only says how its *units* are laid
out: :meth:`units` returns flat per-unit features and logits, and
:meth:`black_box` the black-box distribution of the same units. Which layer
of the task model holds the units' features (and, where it is not the
model's output, their logits) is the config value ``units``, recorded with
:class:`~bimem_mm.models.recorder.LayerRecorder` (docs/extending.md).
"""
import inspect
from typing import Dict, List, NamedTuple, Optional

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel

from ..core import AdaptiveTarget, WarmupLoss, hard_labels
from ..registry import MODELS
from .model_config import resolve_model_cfg
from .recorder import LayerRecorder, layer_dim, units_config

STAGES = ('warmup', 'bimem')
#: buffers of checkpoints written before issue 13 -> their names now
OLD_BUFFERS = {'source_samples_seen': 'source_target.samples_seen',
               'dine_samples_seen': 'dine_target.samples_seen'}


class Units(NamedTuple):
    """Flat units of a batch: features (N, D), logits (N, C), groups (N,)
    image index, valid (N,) bool or None."""
    features: torch.Tensor
    logits: torch.Tensor
    groups: torch.Tensor
    valid: Optional[torch.Tensor] = None


class TeacherStudentAdapter(BaseModel):
    """Base of the adaptation wrappers: a student, its EMA teacher, the
    task's units and black box, the warm-up and prediction. The adaptation
    method (:meth:`method_loss`, ``stage='bimem'``) is composed in as the
    first base of a registered wrapper: ``BiMemX(BiMemMethod, XAdapter)``,
    ``DINEX(DINEMethod, XAdapter)`` (:mod:`bimem_mm.models.bimem_method`,
    :mod:`bimem_mm.models.dine`); each method takes its own options and
    refuses the other's.

    A task adapter sets ``default_preprocessor`` (the type used when the
    data preprocessor config names none, as the task libraries do).

    Args:
        model: config of the task model (student; the teacher is a copy
            that the EMA in ``BiMemHook`` keeps up to date); may name a
            config file with ``cfg_path`` (``pkg::`` or a path), the other
            keys merged into its model
            (:func:`~bimem_mm.models.model_config.resolve_model_cfg`).
        units: ``dict(features=LAYER, logits=LAYER or None)``: the layer of
            the task model whose output (``'name'``) or input
            (``'name:input'``) holds the units' features, and the layer of
            their logits (None: the model's own output). Defaults to the
            task adapter's ``default_units``; the feature dimension is read
            from the layer.
        refiner: config of the ``bimem_mm.BiMemRefiner`` (the memories);
            ``num_classes`` and ``feat_dim`` default to the model's. None:
            no memories (a method that does not use them, e.g. DINE;
            BiMem needs them).
        loss: config of the method's loss module (``loss_fn``; BiMem's
            default ``bimem_mm.BiMemLoss``). None: no loss module (a method
            with its own loss, e.g. DINE).
        stage: ``'warmup'`` (cross entropy on argmax of the black box, the
            official "baseline" stage) or ``'bimem'``.
        warmup_threshold: warm-up units whose max black-box probability is
            below this are ignored (official ``train_thred`` 0).
        warmup: None (official: cross entropy on argmax of the black box)
            or the options of :class:`bimem_mm.core.WarmupLoss` (class
            balance, soft labels; ``num_classes`` and ``ignore_index`` are
            the model's), e.g. ``dict(balance='running', soft=0.5)``;
            docs/segmentation.md#warm-up-options.
        predict_on: ``'student'`` (the last iterate, default) or
            ``'teacher'`` for evaluation.
        teacher_train_mode: keep the teacher in train mode (BN batch
            statistics, dropout on) as the official code does; False puts
            it in eval mode.
        ignore_index: label of ignored units.
        data_preprocessor: defaults to the wrapped model's.
    """

    default_preprocessor = 'BaseDataPreprocessor'
    needs_refiner = True   # the method's loss uses the memories
    default_units = dict(features=None, logits=None)

    def __init__(self, model: dict, refiner: Optional[dict] = None,
                 loss: Optional[dict] = None,
                 stage: str = 'bimem', warmup_threshold: float = 0.0,
                 warmup: Optional[dict] = None,
                 predict_on: str = 'student', teacher_train_mode: bool = True,
                 ignore_index: int = 255,
                 units: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None, init_cfg=None):
        if stage not in STAGES:
            raise ValueError(f'stage must be one of {STAGES}, got {stage!r}')
        if predict_on not in ('student', 'teacher'):
            raise ValueError(f'predict_on must be student or teacher, got '
                             f'{predict_on!r}')
        model = resolve_model_cfg(dict(model))
        if data_preprocessor is None:
            data_preprocessor = model.get('data_preprocessor')
        if data_preprocessor is not None and 'type' not in data_preprocessor:
            data_preprocessor = dict(data_preprocessor,
                                     type=self.default_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.units_cfg = units_config(self.default_units, units,
                                      type(self).__name__)
        self.student = MODELS.build(model)
        self.teacher = MODELS.build(model)
        self.teacher.requires_grad_(False)
        if refiner is None and self.needs_refiner:
            raise TypeError(f'{type(self).__name__}: its method needs a '
                            'refiner config (the memories)')
        self.refiner = None if refiner is None else self._build_refiner(
            dict(refiner), ignore_index)
        self.loss_fn = None if loss is None else self._build_loss(
            dict(loss), ignore_index)
        self.stage, self.predict_on = stage, predict_on
        self.warmup_threshold = warmup_threshold
        self.warmup_criterion = None if warmup is None else WarmupLoss(
            **dict(dict(num_classes=self.num_classes_of(self.student),
                        ignore_index=ignore_index), **warmup))
        self.teacher_train_mode = teacher_train_mode
        self.ignore_index = ignore_index

    @property
    def uses_memory(self) -> bool:
        """Whether ``BiMemHook`` initialises the long-term memory."""
        return self.refiner is not None

    def _build_refiner(self, refiner: dict, ignore_index: int):
        refiner.setdefault('num_classes', self.num_classes_of(self.student))
        if 'feat_dim' not in refiner:
            refiner['feat_dim'] = layer_dim(self.student,
                                            self.units_cfg['features'])
        refiner.setdefault('ignore_index', ignore_index)
        return MODELS.build(refiner)

    @staticmethod
    def _build_loss(loss: dict, ignore_index: int):
        """The method's loss; one that takes ``ignore_index`` gets the
        adapter's unless its config sets its own."""
        cls = MODELS.get(loss['type']) if isinstance(loss['type'], str) \
            else loss['type']
        if cls is not None and 'ignore_index' in inspect.signature(
                cls.__init__).parameters:
            loss.setdefault('ignore_index', ignore_index)
        return MODELS.build(loss)

    def recorded(self, model, forward) -> tuple:
        """Run ``forward()`` (a forward of ``model``) with the unit layers
        recorded: (features, logits), logits the ``units.logits`` layer's or
        else what ``forward`` returned."""
        with LayerRecorder(model, self.units_cfg) as rec:
            out = forward()
        logits = rec['logits'] if self.units_cfg['logits'] else out
        return rec['features'], logits

    def prepare_for_dataset(self, num_samples: int) -> None:
        """Told the training set size by ``BiMemHook`` before training
        (every :class:`~bimem_mm.core.AdaptiveTarget` of the wrapper)."""
        for module in self.modules():
            if isinstance(module, AdaptiveTarget):
                module.prepare_for_dataset(num_samples)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        """Checkpoints written before issue 13 name the sample counters
        ``source_samples_seen`` / ``dine_samples_seen``: renamed to the
        buffers of ``source_target`` / ``dine_target``. A model without
        memories (``refiner=None``, e.g. DINE) drops the ``refiner.*``
        buffers that DINE checkpoints held until session 4 (built, never
        used: they hold the constructor's values)."""
        for old, new in OLD_BUFFERS.items():
            if prefix + old in state_dict and prefix + new not in state_dict:
                state_dict[prefix + new] = state_dict.pop(prefix + old)
        if self.refiner is None:
            for key in [k for k in state_dict
                        if k.startswith(prefix + 'refiner.')]:
                del state_dict[key]
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    # --- what a task adapter provides ----------------------------------
    def num_classes_of(self, model) -> int:
        """C of a built task model (the refiner's ``num_classes`` when not
        given)."""
        raise NotImplementedError

    def model_dims(self, model):
        """(C, D) of a built task model: classes and unit feature size."""
        return (self.num_classes_of(model),
                layer_dim(model, self.units_cfg['features']))

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
            return self._model_for_predict()(inputs, data_samples,
                                             mode='tensor')
        raise RuntimeError(f'Invalid mode "{mode}".')

    def loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        if self.stage == 'warmup':
            return self.warmup_loss(inputs, data_samples)
        return self.method_loss(inputs, data_samples)

    def method_loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        """The adaptation method's loss (``stage='bimem'``; a method such
        as :class:`~bimem_mm.models.BiMemMethod` provides it)."""
        raise NotImplementedError(f'{type(self).__name__} has no adaptation '
                                  'method')

    def warmup_loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        """Cross entropy of the student on argmax of the black box (or the
        ``warmup`` options' :class:`~bimem_mm.core.WarmupLoss`)."""
        student = self.units(self.student, inputs, data_samples)
        bb = self.black_box(data_samples, student)
        labels = hard_labels(bb, self.warmup_threshold, self.ignore_index)
        if self.warmup_criterion is not None:
            return self.warmup_criterion(student.logits,
                                         self.masked(labels, student), bb)
        return {'loss_ce': self.masked_ce(student.logits, labels, student)}

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


#: the name before issue 13 (the base is not BiMem-specific)
BiMemTeacherStudent = TeacherStudentAdapter
