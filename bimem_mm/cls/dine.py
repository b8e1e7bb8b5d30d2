"""DINE-style distillation around an mmpretrain classifier (a baseline)."""
from typing import Dict, Optional

import torch

from ..core.dine import (
    SoftLabelMemory,
    information_maximization,
    mixup_consistency,
    soft_cross_entropy,
)
from ..models.dine import DINEMethod
from ..registry import MODELS
from .classifier import ClassifierAdapter


@MODELS.register_module()
class DINEClassifier(DINEMethod, ClassifierAdapter):
    """Distillation towards an EMA of the black box's (top-k) predictions
    with information maximisation and mixup (Liang et al., CVPR 2022), in
    the same framework, data and target model as BiMem.

    Per training image a soft label starts from the stored black-box
    distribution and moves towards the student's prediction each visit
    (``momentum``). Loss: soft CE to it + ``im_weight`` * IM +
    ``mix_weight`` * mixup consistency. The memories are not used
    (:class:`bimem_mm.models.DINEMethod`). The soft-label table is sized
    to the training set by ``BiMemHook`` before training (or
    ``num_samples``).

    Args:
        dine: dict(num_samples=None, momentum=0.6, im_weight=1.0,
            mix_weight=1.0, mix_alpha=0.3).
    """

    table_free = False    # DINE's own per-sample table
    dine_defaults = dict(num_samples=None, momentum=0.6, im_weight=1.0,
                         mix_weight=1.0, mix_alpha=0.3)

    def init_dine(self, dine: Optional[dict]) -> None:
        super().init_dine(dine)
        self.soft_labels = None
        if self.dine_cfg['num_samples']:
            self.prepare_for_dataset(self.dine_cfg['num_samples'])

    def prepare_for_dataset(self, num_samples: int) -> None:
        """Create the (N, C) soft-label table (kept across checkpoints)."""
        if self.soft_labels is not None and \
                len(self.soft_labels.labels) == num_samples:
            return
        num_classes = self.num_classes_of(self.student)
        device = next(self.student.parameters()).device
        self.soft_labels = SoftLabelMemory(
            num_samples, num_classes, self.dine_cfg['momentum']).to(device)

    def dine_loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        if self.soft_labels is None:
            raise RuntimeError('DINEClassifier needs dine.num_samples or '
                               'BiMemHook to size its soft-label table')
        student = self.units(self.student, inputs, data_samples)
        bb = self.black_box(data_samples, student)
        index = torch.as_tensor([ds.sample_idx for ds in data_samples],
                                device=bb.device)
        targets = self.soft_labels.lookup(index, bb)
        probs = torch.softmax(student.logits.float(), 1).detach()
        self.soft_labels.update(index, probs)
        cfg = self.dine_cfg
        losses = {'loss_kd': soft_cross_entropy(student.logits, targets)}
        if cfg['im_weight']:
            losses['loss_im'] = cfg['im_weight'] * information_maximization(
                student.logits)
        if cfg['mix_weight']:
            losses['loss_mix'] = cfg['mix_weight'] * mixup_consistency(
                lambda x: self.student.head(self.student.extract_feat(x)),
                inputs, probs, cfg['mix_alpha'])
        losses['dine/bb_agree'] = (student.logits.argmax(1) == bb.argmax(1)
                                   ).float().mean()
        return losses
