"""DINE-style distillation around an mmseg segmentor (a baseline)."""
from typing import Dict

import torch

from ..core.dine import (
    information_maximization,
    soft_cross_entropy,
)
from ..models.dine import DINEMethod
from ..registry import MODELS
from .segmentor import SegmentorAdapter


@MODELS.register_module()
class DINESegmentor(DINEMethod, SegmentorAdapter):
    """DINE-style distillation (Liang et al., CVPR 2022) per pixel, in the
    same framework, data, units and target model as BiMem.

    **Deviation from DINE's per-sample table** (see
    :mod:`bimem_mm.models.dine`): a unit's soft label is not stored (an
    (N, H, W, C) table); it is ``w * p_bb + (1 - w) * p_teacher``, with
    ``p_teacher`` the EMA teacher's softmax on the same pixels and
    ``w = momentum ** epochs_seen``.

    Loss, on the units of :class:`SegmentorAdapter` (grid pixels inside the
    image)::

        soft CE(student, target) + im_weight * IM + mix_weight * mixup

    IM (information maximisation) runs over the valid pixels of the whole
    batch: its diversity term is the entropy of the mean prediction over
    all those pixels (so it favours a batch whose pixels use many classes,
    not images that do). Mixup mixes each image with another of the batch;
    the student's pixel predictions on the mix should equal the same mix
    of its (detached) per-pixel predictions on the two images (a dense
    prediction is pixel-aligned with its input). The memories are not used
    (:class:`bimem_mm.models.DINEMethod`).

    Args:
        dine: dict(num_samples=None, momentum=0.6, im_weight=1.0,
            mix_weight=1.0, mix_alpha=0.3). ``num_samples`` is the training
            set size (default: set by ``BiMemHook``).
        **kwargs: see :class:`SegmentorAdapter`.
    """

    dine_defaults = dict(DINEMethod.dine_defaults, mix_weight=1.0,
                         mix_alpha=0.3)

    def dine_loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        _, bb, targets, share = self.dine_targets(inputs, data_samples)
        student = self.units(self.student, inputs, data_samples)
        valid = student.valid
        cfg = self.dine_cfg
        losses = {'loss_kd': soft_cross_entropy(student.logits, targets,
                                                 valid)}
        if cfg['im_weight']:
            logits = student.logits if valid is None else \
                student.logits[valid]
            losses['loss_im'] = cfg['im_weight'] * information_maximization(
                logits)
        if cfg['mix_weight']:
            losses['loss_mix'] = cfg['mix_weight'] * self.pixel_mixup(
                inputs, student, cfg['mix_alpha'])
        losses.update(self.dine_statistics(student.logits.detach(), bb,
                                           targets, share, student,
                                           data_samples))
        return losses
