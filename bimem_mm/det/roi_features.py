"""RoI features of given boxes: what a two-stage detector's classifier sees.

The unit feature of a box is recorded from a named layer of the detector
(``units.features`` of ``bimem_mm.BiMemDetector``), by default the input of
the RoI head's classifier ``'roi_head.bbox_head.fc_cls:input'``: for the
standard ``Shared2FCBBoxHead`` the output of the two shared FCs
(``fc_out_channels``, 1024-d), for any ``BBoxHead``/``ConvFCBBoxHead`` the
feature its classification branch ends with. A cascade RoI head
(``CascadeRoIHead``: ``bbox_head`` is a list of stages) is run at the stage
the layer name picks, ``'roi_head.bbox_head.<stage>.fc_cls:input'``.
"""
from typing import List, Optional, Tuple

import torch
from mmdet.structures.bbox import bbox2roi
from torch import nn

from ..models.recorder import LayerRecorder, layer_dim, parse_layer

DEFAULT_UNITS = dict(features='roi_head.bbox_head.fc_cls:input', logits=None)
_HEADS = 'roi_head.bbox_head.'


def roi_stage(detector, layer: str) -> Optional[int]:
    """The RoI stage a unit layer belongs to: None for a single-stage RoI
    head, else ``i`` of ``'roi_head.bbox_head.<i>...'`` (cascade)."""
    heads = getattr(getattr(detector, 'roi_head', None), 'bbox_head', None)
    if not isinstance(heads, nn.ModuleList):
        return None
    path = parse_layer(layer)[0]
    index = path[len(_HEADS):].split('.')[0] if path.startswith(_HEADS) \
        else ''
    if not index.isdigit() or int(index) >= len(heads):
        raise ValueError(
            f'{type(detector).__name__} has {len(heads)} RoI stages: name '
            f"the units' layer in one of them, e.g. '{_HEADS}"
            f"{len(heads) - 1}.fc_cls:input', got {layer!r}")
    return int(index)


def classifier_of(detector, stage: Optional[int] = None):
    """The RoI head's bbox head (of ``stage``) of a two-stage detector,
    checked."""
    roi_head = getattr(detector, 'roi_head', None)
    head = getattr(roi_head, 'bbox_head', None)
    if stage is not None and head is not None:
        head = head[stage]
    if head is None or not isinstance(getattr(head, 'fc_cls', None),
                                      torch.nn.Linear):
        raise TypeError(
            f'{type(detector).__name__}: BiMem detection needs a two-stage '
            'detector whose roi_head.bbox_head classifies with a linear '
            '`fc_cls` (e.g. StandardRoIHead + Shared2FCBBoxHead)')
    if getattr(head, 'custom_cls_channels', False) or getattr(
            head.loss_cls, 'use_sigmoid', False):
        raise TypeError(f'{type(head).__name__}: BiMem detection needs a '
                        'softmax classifier over C + 1 classes')
    return head


def bbox_forward(detector, x, rois: torch.Tensor,
                 stage: Optional[int] = None) -> dict:
    """The RoI head's ``_bbox_forward`` (of ``stage`` for a cascade)."""
    if stage is None:
        return detector.roi_head._bbox_forward(x, rois)
    return detector.roi_head._bbox_forward(stage, x, rois)


def feature_dim(detector, units: dict = DEFAULT_UNITS) -> int:
    """D of the unit features (read from the units' layer)."""
    return layer_dim(detector, units['features'])


def roi_box_features(detector, x: Tuple[torch.Tensor],
                     bboxes: List[torch.Tensor], units: dict = DEFAULT_UNITS
                     ) -> Tuple[torch.Tensor, torch.Tensor]:
    """RoI features and class logits of boxes.

    Args:
        detector: an mmdet two-stage detector (``StandardRoIHead`` or a
            cascade of them).
        x: its multi-level features (``extract_feat``), each (B, C', H, W).
        bboxes: list of B per-image (N_i, 4) boxes in input pixels.
        units: ``dict(features=LAYER, logits=LAYER or None)``; logits None:
            the ``cls_score`` of the RoI stage of the features.

    Returns:
        features (N, D) and logits (N, C + 1) (background last),
        N = sum N_i, in image order.
    """
    stage = roi_stage(detector, units['features'])
    head = classifier_of(detector, stage)
    rois = bbox2roi(bboxes)
    if rois.shape[0] == 0:
        return (rois.new_zeros((0, feature_dim(detector, units))),
                rois.new_zeros((0, head.num_classes + 1)))
    with LayerRecorder(detector, units) as rec:
        results = bbox_forward(detector, x, rois, stage)
    logits = rec['logits'] if units.get('logits') else results['cls_score']
    return rec['features'].flatten(1), logits
