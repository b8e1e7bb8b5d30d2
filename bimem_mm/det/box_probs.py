"""A black-box detector that also reports each kept box's distribution.

mmdet's final ``pred_instances`` hold a label and a score per box, not the
C-way distribution the prediction store wants. ``BoxProbsDetector`` wraps
any two-stage detector (``StandardRoIHead``) and predicts exactly as
mmdet does -- RPN, RoI head without NMS, then ``multiclass_nms`` -- but
asks the NMS for the indices of the kept boxes, so each detection also
carries ``probs`` (C,): the RoI's softmax over the foreground classes
(renormalised) from which its score came. Only outputs leave the model.
"""
from typing import List, Optional

import torch
from mmdet.models.layers import multiclass_nms
from mmengine.model import BaseModel
from mmengine.structures import InstanceData

from ..registry import MODELS
from .roi_features import classifier_of


@MODELS.register_module()
class BoxProbsDetector(BaseModel):
    """Wraps ``detector`` (trained and evaluated as usual) and adds
    ``pred_instances.probs`` (B, C) to its predictions.

    Checkpoints of the bare detector (keys without the ``detector.``
    prefix, e.g. one trained with mmdet's own config) load as well.

    Args:
        detector: config of an mmdet two-stage detector.
        data_preprocessor: defaults to the detector's.
    """

    def __init__(self, detector: dict,
                 data_preprocessor: Optional[dict] = None, init_cfg=None):
        detector = dict(detector)
        if data_preprocessor is None:
            data_preprocessor = detector.get('data_preprocessor')
        if data_preprocessor is not None and 'type' not in data_preprocessor:
            data_preprocessor = dict(data_preprocessor,
                                     type='mmdet.DetDataPreprocessor')
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.detector = MODELS.build(detector)
        classifier_of(self.detector)

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.detector.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.detector._forward(inputs, data_samples)
        raise RuntimeError(f'Invalid mode "{mode}".')

    @torch.no_grad()
    def predict(self, inputs, data_samples, rescale: bool = True) -> List:
        """mmdet's two-stage prediction plus per-box ``probs`` (B, C)."""
        det = self.detector
        head = det.roi_head.bbox_head
        cfg = det.roi_head.test_cfg
        x = det.extract_feat(inputs)
        if data_samples[0].get('proposals', None) is None:
            proposals = det.rpn_head.predict(x, data_samples, rescale=False)
        else:
            proposals = [s.proposals for s in data_samples]
        raw = det.roi_head.predict_bbox(
            x, [s.metainfo for s in data_samples], proposals,
            rcnn_test_cfg=None, rescale=rescale)
        c = head.num_classes
        for sample, res in zip(data_samples, raw):
            dets, labels, inds = multiclass_nms(
                res.bboxes, res.scores, cfg.score_thr, cfg.nms,
                cfg.max_per_img, return_inds=True)
            # inds index the (RoI, class) candidates: the RoI is inds // C
            fg = res.scores[inds // c, :c]
            sample.pred_instances = InstanceData(
                bboxes=dets[:, :4], scores=dets[:, 4], labels=labels,
                probs=fg / fg.sum(1, keepdim=True).clamp_min(1e-12))
        return data_samples

    def _load_from_state_dict(self, state_dict, prefix, local_metadata,
                              strict, missing_keys, unexpected_keys,
                              error_msgs):
        """Accept a bare detector's keys (adds the ``detector.`` prefix)."""
        ours = prefix + 'detector.'
        bare = [k for k in state_dict if k.startswith(prefix)
                and not k.startswith(ours)
                and not k.startswith(prefix + 'data_preprocessor.')]
        if bare and not any(k.startswith(ours) for k in state_dict):
            for k in bare:
                state_dict[ours + k[len(prefix):]] = state_dict.pop(k)
        super()._load_from_state_dict(state_dict, prefix, local_metadata,
                                      strict, missing_keys, unexpected_keys,
                                      error_msgs)
