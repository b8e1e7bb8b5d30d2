"""Adaptation around an mmdet two-stage detector: a unit is a black-box box.

:class:`DetectorAdapter` lays out the units (pseudo boxes) and the warm-up;
the registered :class:`BiMemDetector` composes it with the BiMem method
(``bimem_mm.DINEDetector``, :mod:`bimem_mm.det.dine`, with DINE's)."""
from typing import Dict, Optional

import torch
import torch.nn.functional as F

from ..core import hard_labels
from ..core.warmup import soft_targets
from ..models.bimem_method import BiMemMethod
from ..models.teacher_student import TeacherStudentAdapter, Units
from ..registry import MODELS
from .pseudo_boxes import (
    PseudoBoxes,
    attach_instances,
    pseudo_boxes,
    uncertain_boxes,
)
from .roi_features import (
    DEFAULT_UNITS,
    classifier_of,
    roi_box_features,
    roi_stage,
)
from .roi_loss import roi_loss, rpn_loss, soft_roi_loss


class DetectorAdapter(TeacherStudentAdapter):
    """Student + EMA teacher around any mmdet two-stage detector; units
    are the black-box boxes (see :class:`BiMemDetector`).

    Args:
        pseudo_score_thr: black-box score a box needs to be a pseudo box.
        min_box_size: smallest side in pixels of a projected box.
        ignore_score_thr: None (official: a black-box box under
            ``pseudo_score_thr`` is simply absent, so what it covers is
            trained as background) or a score s: boxes scoring in
            ``[s, pseudo_score_thr)`` become ``ignored_instances`` in every
            stage, so anchors and RoIs on them are neither object nor
            background; their per-class-NMS twins (IoU >= 0.5 with a
            training box) are left out. Needs ``ignore_iof_thr`` > 0 in
            the detector's RPN and RCNN assigners (checked).
        warmup: None (official: mmdet's cross entropy on argmax p_src for
            the RoI classification) or the options of
            :class:`bimem_mm.core.WarmupLoss` (``soft``, ``soft_topk``,
            ``balance``, ``power``, ``max_weight``, ``momentum``): each
            positive RoI then learns the target ``w_y * ((1 - soft) *
            onehot(y) + soft * p_src)`` of its pseudo box with soft cross
            entropy over the C + 1 logits (background 0, the DINE
            baseline's ``loss_kd``), ``w_y`` the class-balance weight of
            its label y (1 without ``balance``); RPN, box regression and
            background RoIs unchanged.
        *args, **kwargs: see :class:`bimem_mm.models.TeacherStudentAdapter`.
    """

    default_preprocessor = 'mmdet.DetDataPreprocessor'
    default_units = DEFAULT_UNITS

    def __init__(self, *args, pseudo_score_thr: float = 0.5,
                 min_box_size: float = 1.0,
                 ignore_score_thr: Optional[float] = None, **kwargs):
        super().__init__(*args, **kwargs)
        if ignore_score_thr is not None:
            if not ignore_score_thr < pseudo_score_thr:
                raise ValueError(
                    f'ignore_score_thr ({ignore_score_thr}) must be below '
                    f'pseudo_score_thr ({pseudo_score_thr})')
            _check_ignore_assigners(self.student)
        self.pseudo_score_thr = pseudo_score_thr
        self.min_box_size = min_box_size
        self.ignore_score_thr = ignore_score_thr
        self.num_classes = self.num_classes_of(self.student)

    def num_classes_of(self, model) -> int:
        stage = roi_stage(model, self.units_cfg['features'])
        return classifier_of(model, stage).num_classes

    def pseudo(self, data_samples, device) -> PseudoBoxes:
        """The batch's pseudo boxes (thresholded, in input pixels)."""
        return pseudo_boxes(data_samples, self.pseudo_score_thr,
                            self.min_box_size, device)

    def attach(self, data_samples, pseudo: PseudoBoxes, labels, keep,
               **fields) -> None:
        """:func:`attach_instances` with the uncertain black-box boxes as
        ``ignored_instances`` when ``ignore_score_thr`` is set."""
        ignored = None
        if self.ignore_score_thr is not None:
            kept = pseudo.split(keep)
            ignored = uncertain_boxes(
                data_samples, self.ignore_score_thr, self.pseudo_score_thr,
                self.min_box_size, labels.device,
                objects=[b[k] for b, k in zip(pseudo.bboxes, kept)])
        attach_instances(data_samples, pseudo, labels, keep, ignored,
                         **fields)

    def warmup_targets(self, labels: torch.Tensor,
                       probs: torch.Tensor) -> torch.Tensor:
        """(N,) pseudo labels, (N, C) p_src -> (N, C) RoI targets of the
        ``warmup`` options (see the class docstring)."""
        crit = self.warmup_criterion
        ok = labels != self.ignore_index
        y = torch.where(ok, labels, torch.zeros_like(labels)).long()
        target = F.one_hot(y, self.num_classes).float() * (1 - crit.soft)
        if crit.soft > 0:
            target = target + crit.soft * soft_targets(probs, crit.soft_topk)
        if crit.balancer is not None:
            target = target * crit.balancer.weights(labels)[y][:, None]
        return target * ok[:, None]

    def units(self, model, inputs, data_samples) -> Units:
        """Pseudo boxes as units: (N, D) RoI features, (N, C) foreground
        logits, (N,) image index."""
        pseudo = self.pseudo(data_samples, inputs.device)
        x = model.extract_feat(inputs)
        feats, logits = roi_box_features(model, x, pseudo.bboxes,
                                         self.units_cfg)
        return Units(feats, logits[:, :self.num_classes], pseudo.groups)

    def box_logits(self, model, x, pseudo: PseudoBoxes) -> torch.Tensor:
        """(N, C) foreground logits of ``model`` (features ``x``) on the
        pseudo boxes: its units' logits without a second backbone pass."""
        return roi_box_features(model, x, pseudo.bboxes, self.units_cfg)[1][
            :, :self.num_classes]

    def black_box(self, data_samples, units: Units) -> torch.Tensor:
        return self.pseudo(data_samples, units.logits.device).probs

    def warmup_loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        """Faster R-CNN losses on the pseudo boxes labelled argmax p_src
        (with ``warmup`` options: RoI classification towards the class-
        balanced and/or soft targets)."""
        pseudo = self.pseudo(data_samples, inputs.device)
        labels = hard_labels(pseudo.probs, self.warmup_threshold,
                             self.ignore_index)
        keep = labels != self.ignore_index
        crit = self.warmup_criterion
        if crit is None:
            self.attach(data_samples, pseudo, labels, keep)
            losses = self.student.loss(inputs, data_samples)
        else:
            self.attach(data_samples, pseudo, labels, keep,
                        soft_targets=self.warmup_targets(labels, pseudo.probs))
            x = self.student.extract_feat(inputs)
            losses, proposals = rpn_loss(self.student, x, data_samples)
            losses.update(soft_roi_loss(self.student, x, proposals,
                                        data_samples))
        losses['bimem/boxes_per_image'] = keep.sum().float() / len(
            data_samples)
        return losses


def _check_ignore_assigners(detector) -> None:
    """Ignored boxes only act through assigners with ignore_iof_thr > 0."""
    cfg = getattr(detector, 'train_cfg', None) or {}
    rcnn = cfg.get('rcnn') or []
    stages = [cfg.get('rpn')] + (list(rcnn) if isinstance(rcnn, (list, tuple))
                                 else [rcnn])
    for name, stage in zip(['rpn'] + ['rcnn'] * (len(stages) - 1), stages):
        thr = ((stage or {}).get('assigner') or {}).get('ignore_iof_thr', -1)
        if thr is None or thr <= 0:
            raise ValueError(
                f'ignore_score_thr needs the {name} assigner of the detector '
                f'to ignore: set model.train_cfg.{name}.assigner.'
                f'ignore_iof_thr > 0 (got {thr})')


@MODELS.register_module()
class BiMemDetector(BiMemMethod, DetectorAdapter):
    """Student + EMA teacher around any mmdet two-stage detector.

    ``model`` is the detector config (e.g. ``FasterRCNN``; its RoI head a
    ``StandardRoIHead`` whose bbox head classifies with a softmax
    ``fc_cls``). The black-box boxes of each image come from
    ``bimem_mm.LoadBlackBoxBoxes`` and are mapped onto the augmented
    input with mmdet's ``homography_matrix``; those scoring below
    ``pseudo_score_thr`` are not used at all.

    **Units** (memories): one per pseudo box. Feature z: the teacher's RoI
    feature of the box, recorded from the layer ``units.features`` (default
    the input of ``fc_cls``, 1024-d for the standard ``Shared2FCBBoxHead``;
    for a ``CascadeRoIHead`` the layer names the stage, e.g.
    ``'roi_head.bbox_head.2.fc_cls:input'``, and the boxes go through that
    stage); teacher distribution q: softmax over the C foreground logits of
    that RoI (background is neither a unit nor a class of the memories);
    p_src: the box's black-box distribution; group: the image.

    **Warm-up** (``stage='warmup'``): mmdet's own Faster R-CNN losses (RPN
    + RoI CE + box regression) on the pseudo boxes labelled argmax p_src
    (boxes whose max p_src < ``warmup_threshold`` are dropped).

    **BiMem** (``stage='bimem'``): ``refiner.refine`` calibrates every box
    (fused label y, long-term label y_long, fused distribution r); boxes
    whose max r < ``drop_thr`` (or whose y is ignored) are dropped. The
    student trains RPN and box regression on the kept boxes as mmdet does,
    and RoI classification with BiMem's symmetric loss on the positives::

        L_cls = 1/N [ sum_neg CE(s_i, bg)
                      + sum_pos alpha CE(s_i, y_j) + beta RCE(s_i, y_long_j) ]

    over the N sampled RoIs, a positive RoI i matched (IoU assigner) to
    pseudo box j, over C + 1 logits (so positives are also pushed away
    from background). alpha = 1, beta = 0 gives mmdet's ``loss_cls``.
    Logged: ``loss_cls`` (background part), ``loss_bimem_ce``,
    ``loss_bimem_rce``, ``bimem/kept`` (share of boxes kept) and the
    memory statistics. With ``im_weight`` > 0 (``bimem_plus``) also
    ``loss_im``: information maximisation on the student's foreground
    logits of all pseudo boxes (its units). With ``soft_weight`` > 0 also
    ``loss_soft``: each positive RoI distilled, as the DINE baseline's
    ``loss_kd``, towards the *calibrated* distribution r of its box
    (``[r, 0]`` over the C + 1 logits); with ``adaptive_source`` r is
    DINE's adaptive soft label reweighted by the memories.

    Args:
        drop_thr: calibrated confidence a box needs to be kept (BiMem).
        *args, **kwargs: see :class:`DetectorAdapter` and
            :class:`bimem_mm.models.BiMemMethod` (``model``, ``refiner``,
            ``loss``, ``stage``, ``im_weight``...).
    """

    def __init__(self, *args, drop_thr: float = 0.0, **kwargs):
        super().__init__(*args, **kwargs)
        if self.mix_weight:
            raise TypeError('BiMemDetector has no mixup (the boxes of two '
                            'images do not mix): set mix_weight=0')
        self.drop_thr = drop_thr

    def bimem_loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        """Calibrate the pseudo boxes with the memories, then the losses."""
        teacher, bb, cal = self.refine(inputs, data_samples)
        pseudo = self.pseudo(data_samples, inputs.device)
        keep = (cal.labels != self.ignore_index) & (
            cal.probs.max(1).values >= self.drop_thr)
        fields = dict(labels_long=cal.labels_long)
        if self.soft_weight:
            fields['soft_targets'] = cal.probs
        self.attach(data_samples, pseudo, cal.labels, keep, **fields)
        x = self.student.extract_feat(inputs)
        losses, proposals = rpn_loss(self.student, x, data_samples)
        losses.update(roi_loss(self.student, x, proposals, data_samples,
                               self.loss_fn, self.soft_weight))
        if self.im_weight:
            losses['loss_im'] = self.im_loss(
                self.box_logits(self.student, x, pseudo), bb)
        losses.update(self.statistics(cal, bb, teacher, data_samples))
        losses['bimem/kept'] = keep.sum().float() / max(len(keep), 1)
        losses['bimem/boxes_per_image'] = keep.sum().float() / len(
            data_samples)
        return losses
