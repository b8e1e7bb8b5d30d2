"""RoI features of given boxes: what a two-stage detector's classifier sees.

The unit feature of a box is the input of the RoI head's ``fc_cls``: for
the standard ``Shared2FCBBoxHead`` the output of the two shared FCs
(``fc_out_channels``, 1024-d), for any ``BBoxHead``/``ConvFCBBoxHead`` the
feature its classification branch ends with. It is captured with a
forward pre-hook on ``fc_cls``, so every head that classifies with an
``fc_cls`` layer works unchanged.
"""
from typing import List, Tuple

import torch
from mmdet.structures.bbox import bbox2roi


def classifier_of(detector):
    """The RoI head's bbox head of a two-stage detector, checked."""
    roi_head = getattr(detector, 'roi_head', None)
    head = getattr(roi_head, 'bbox_head', None)
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


def feature_dim(detector) -> int:
    """D of the unit features (``fc_cls.in_features``)."""
    return classifier_of(detector).fc_cls.in_features


def roi_box_features(detector, x: Tuple[torch.Tensor],
                     bboxes: List[torch.Tensor]
                     ) -> Tuple[torch.Tensor, torch.Tensor]:
    """RoI features and class logits of boxes.

    Args:
        detector: an mmdet two-stage detector with a ``StandardRoIHead``.
        x: its multi-level features (``extract_feat``), each (B, C', H, W).
        bboxes: list of B per-image (N_i, 4) boxes in input pixels.

    Returns:
        features (N, D) (the input of ``fc_cls``) and logits (N, C + 1)
        (background last), N = sum N_i, in image order.
    """
    roi_head = detector.roi_head
    head = classifier_of(detector)
    rois = bbox2roi(bboxes)
    captured = []
    handle = head.fc_cls.register_forward_pre_hook(
        lambda module, args: captured.append(args[0]))
    try:
        if rois.shape[0] == 0:
            d = head.fc_cls.in_features
            return (rois.new_zeros((0, d)),
                    rois.new_zeros((0, head.fc_cls.out_features)))
        results = roi_head._bbox_forward(x, rois)
    finally:
        handle.remove()
    return captured[0], results['cls_score']
