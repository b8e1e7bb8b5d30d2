"""DINE-style distillation around an mmdet two-stage detector (a baseline)."""
from typing import Dict

import torch

from ..core import hard_labels
from ..core.dine import information_maximization
from ..models.dine import DINEMethod
from ..models.teacher_student import Units
from ..registry import MODELS
from .detector import DetectorAdapter
from .roi_loss import rpn_loss, soft_roi_loss


@MODELS.register_module()
class DINEDetector(DINEMethod, DetectorAdapter):
    """DINE-style distillation (Liang et al., CVPR 2022) per pseudo box, in
    the same framework, data, units and target model as BiMem.

    **Deviation from DINE's per-sample table** (see
    :mod:`bimem_mm.models.dine`): the units are the black-box boxes of the
    augmented view, which a table indexed by sample cannot follow; a box's
    soft target is ``w * p_bb + (1 - w) * p_teacher`` over the C
    foreground classes, with ``p_teacher`` the EMA teacher's softmax over
    the foreground logits of the box's RoI and ``w = momentum **
    epochs_seen``.

    Loss: the warm-up's Faster R-CNN losses on the pseudo boxes (RPN, box
    regression, background RoIs; boxes whose max p_bb is below
    ``warmup_threshold`` are dropped), with the classification of each
    positive RoI distilled towards the soft target of the pseudo box it is
    matched to, over the C + 1 logits with background probability 0
    (``loss_kd``, :func:`bimem_mm.det.roi_loss.soft_roi_loss`); plus
    ``im_weight`` * information maximisation on the student's foreground
    logits of the pseudo boxes (``loss_im``). A box's class for the
    (class-specific) box regression is the argmax of its target (the
    black box's argmax while w > 0.5 and the teacher agrees; at the start
    w = 1, the warm-up's label).

    No mixup: a mix of two scenes has no target (the boxes of two images
    do not mix into boxes of the blend, and RoIs of one image's boxes on
    the blend see both images), so DINE's interpolation consistency has
    no counterpart for boxes. No memories (``refiner=None``).

    Args:
        dine: dict(num_samples=None, momentum=0.6, im_weight=1.0).
            ``num_samples`` is the training set size (default: set by
            ``BiMemHook``).
        **kwargs: see :class:`DetectorAdapter`.
    """

    def dine_loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        _, bb, targets, share = self.dine_targets(inputs, data_samples)
        pseudo = self.pseudo(data_samples, inputs.device)
        keep = hard_labels(bb, self.warmup_threshold,
                           self.ignore_index) != self.ignore_index
        self.attach(data_samples, pseudo, targets.argmax(1), keep,
                    soft_targets=targets)
        x = self.student.extract_feat(inputs)
        losses, proposals = rpn_loss(self.student, x, data_samples)
        losses.update(soft_roi_loss(self.student, x, proposals,
                                    data_samples))
        logits = self.box_logits(self.student, x, pseudo)
        if self.dine_cfg['im_weight'] and len(logits):
            losses['loss_im'] = self.dine_cfg['im_weight'] * \
                information_maximization(logits)
        elif self.dine_cfg['im_weight']:       # no pseudo box in the batch
            losses['loss_im'] = logits.sum() * 0.0
        losses.update(self.dine_statistics(
            logits.detach(), bb, targets, share,
            Units(logits, logits, pseudo.groups, keep), data_samples))
        losses['bimem/boxes_per_image'] = keep.sum().float() / len(
            data_samples)
        return losses
