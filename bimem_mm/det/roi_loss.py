"""Faster R-CNN losses on pseudo boxes, with BiMem's loss on RoI classes.

``rpn_loss`` is mmdet's ``TwoStageDetector.loss`` RPN part. ``roi_loss``
follows ``StandardRoIHead.loss`` (assign, sample, ``_bbox_forward``,
``get_targets``) but classifies the sampled RoIs with

    L_cls = 1/N [ sum_neg CE(s_i, bg)
                  + sum_pos (alpha CE(s_i, y_j) + beta RCE(s_i, y_long_j)) ]

where N counts the sampled RoIs, a positive RoI i is matched to pseudo box
j (y_j its fused calibrated label, y_long_j its long-term label), and CE /
RCE run over the C + 1 logits. With alpha = 1, beta = 0 this is exactly
mmdet's ``loss_cls``. Box regression (``loss_bbox``) is mmdet's.

``soft_roi_loss`` is the same with a soft target per pseudo box (the
DINE-style baseline): ``sum_pos softCE(s_i, [t_j, 0])`` over the C + 1
logits (background probability 0); one-hot targets give mmdet's
``loss_cls`` again.

A ``CascadeRoIHead`` gets the same losses at every stage, as its ``loss``
does: each stage assigns and samples with its own assigner (IoU 0.5, 0.6,
0.7), its losses are weighted by ``stage_loss_weights`` and named
``s<stage>.<name>``, and its refined boxes are the next stage's proposals.
"""
import copy
from typing import Dict, List, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmdet.models.utils import unpack_gt_instances
from mmdet.structures.bbox import bbox2roi

from .roi_features import bbox_forward


def rpn_loss(detector, x: Tuple[torch.Tensor],
             data_samples) -> Tuple[Dict[str, torch.Tensor], List]:
    """RPN losses on the samples' ``gt_instances`` (class-agnostic) and the
    proposals, as ``TwoStageDetector.loss``."""
    cfg = detector.train_cfg.get('rpn_proposal', detector.test_cfg.rpn)
    rpn_samples = copy.deepcopy(data_samples)
    for sample in rpn_samples:
        sample.gt_instances.labels = torch.zeros_like(
            sample.gt_instances.labels)
    losses, proposals = detector.rpn_head.loss_and_predict(
        x, rpn_samples, proposal_cfg=cfg)
    for key in list(losses):
        if 'loss' in key and 'rpn' not in key:
            losses[f'rpn_{key}'] = losses.pop(key)
    return losses, proposals


def _stage(value, stage):
    return value if stage is None else value[stage]


def _sample(roi_head, x, proposals, data_samples,
            fields: Sequence[str] = ('labels_long', ), stage=None):
    """Assign and sample RoIs per image; also the ``gt_instances`` fields
    (e.g. y_long) of the pseudo boxes the positives are matched to."""
    gts, gts_ignore, _ = unpack_gt_instances(data_samples)
    assigner = _stage(roi_head.bbox_assigner, stage)
    sampler = _stage(roi_head.bbox_sampler, stage)
    results, matched = [], {name: [] for name in fields}
    for i, (props, gt, ignore) in enumerate(zip(proposals, gts, gts_ignore)):
        props.priors = props.pop('bboxes')
        assign = assigner.assign(props, gt, ignore)
        res = sampler.sample(assign, props, gt,
                             feats=[level[i][None] for level in x])
        results.append(res)
        for name in fields:
            matched[name].append(gt[name][res.pos_assigned_gt_inds])
    return results, {name: torch.cat(v) for name, v in matched.items()}


def _roi_forward(detector, x, proposals, data_samples, fields, stage=None):
    """Sample, forward and mmdet's losses with the positives' classification
    left out: ``loss_cls`` (background RoIs, over all N sampled RoIs),
    ``loss_bbox``, ``acc``; also the positives' (P, C + 1) logits, (P,)
    labels, matched ``fields``, N and what the next cascade stage needs."""
    roi_head = detector.roi_head
    head = _stage(roi_head.bbox_head, stage)
    sampled, matched = _sample(roi_head, x, proposals, data_samples, fields,
                               stage)
    rois = bbox2roi([res.priors for res in sampled])
    out = bbox_forward(detector, x, rois, stage)
    targets = head.get_targets(sampled,
                               _stage(detector.train_cfg.rcnn, stage))
    labels, weights, box_targets, box_weights = targets
    pos = (labels >= 0) & (labels < head.num_classes)
    # rows of the positives follow the images' pos_assigned_gt_inds order
    n_all = (weights > 0).sum().clamp_min(1).float()
    neg_weights = torch.where(pos, torch.zeros_like(weights), weights)
    n_neg = (neg_weights > 0).sum().float()
    losses = head.loss(out['cls_score'], out['bbox_pred'], rois, labels,
                       neg_weights, box_targets, box_weights)
    losses['loss_cls'] = losses['loss_cls'] * n_neg.clamp_min(1) / n_all
    refine = dict(out, rois=rois, bbox_targets=targets, sampled=sampled)
    return losses, out['cls_score'][pos], labels[pos], matched, n_all, refine


def _each_stage(detector, x, proposals, data_samples, fields, stage_loss):
    """``stage_loss(*_roi_forward outputs)`` -> losses, summed over the RoI
    stages as ``CascadeRoIHead.loss`` does (one stage: unchanged names)."""
    roi_head = detector.roi_head
    if not hasattr(roi_head, 'num_stages'):
        return stage_loss(*_roi_forward(detector, x, proposals,
                                        data_samples, fields)[:5])
    metas = [s.metainfo for s in data_samples]
    losses = {}
    for stage in range(roi_head.num_stages):
        *parts, refine = _roi_forward(detector, x, proposals, data_samples,
                                      fields, stage)
        weight = roi_head.stage_loss_weights[stage]
        for name, value in stage_loss(*parts).items():
            losses[f's{stage}.{name}'] = value * weight if 'loss' in name \
                else value
        if stage < roi_head.num_stages - 1:
            with torch.no_grad():
                proposals = roi_head.bbox_head[stage].refine_bboxes(
                    refine.pop('sampled'), refine, metas)
            if proposals is None:     # no RoI left
                break
    return losses


def _soft_ce_sum(scores: torch.Tensor, targets: torch.Tensor
                 ) -> torch.Tensor:
    """Sum over the positive RoIs of the soft cross entropy of their
    (P, C + 1) ``scores`` to ``[targets, 0]`` ((P, C) foreground targets,
    background probability 0)."""
    targets = targets.float()
    targets = torch.cat([targets, targets.new_zeros(len(targets), 1)], 1)
    return -(targets * F.log_softmax(scores.float(), 1)).sum()


def roi_loss(detector, x: Tuple[torch.Tensor], proposals: List,
             data_samples, loss_fn, soft_weight: float = 0.0
             ) -> Dict[str, torch.Tensor]:
    """RoI losses with the symmetric loss on the positive RoIs.

    Args:
        detector: the student (two-stage, ``StandardRoIHead`` or a cascade
            of them, softmax).
        x: its features. proposals: RPN results per image.
        data_samples: with ``gt_instances`` holding the kept pseudo boxes,
            ``labels`` (y) and ``labels_long`` (y_long); with
            ``soft_weight`` also ``soft_targets`` ((B_i, C) calibrated
            distributions).
        loss_fn: ``BiMemLoss`` (alpha CE + beta RCE, mean over its units).
        soft_weight: weight of ``loss_soft``, the soft cross entropy of
            the positive RoIs to their box's ``[soft_targets, 0]``
            (normalised like ``loss_kd`` of :func:`soft_roi_loss`); 0: none.

    Returns:
        ``loss_cls`` (background RoIs), ``loss_bimem_ce``,
        ``loss_bimem_rce`` (positive RoIs; the three sum to L_cls above),
        ``loss_bbox``, ``acc`` (and ``loss_soft``).
    """
    def stage_loss(losses, scores, labels, matched, n_all):
        sym = loss_fn(scores, labels, matched['labels_long'])
        n_pos = (labels != loss_fn.ignore_index).sum().float()
        losses['loss_bimem_ce'] = sym['loss_ce'] * n_pos / n_all
        losses['loss_bimem_rce'] = sym['loss_rce'] * n_pos / n_all
        if soft_weight:
            losses['loss_soft'] = soft_weight * _soft_ce_sum(
                scores, matched['soft_targets']) / n_all
        return losses

    fields = ('labels_long', 'soft_targets') if soft_weight else \
        ('labels_long', )
    return _each_stage(detector, x, proposals, data_samples, fields,
                       stage_loss)


def soft_roi_loss(detector, x: Tuple[torch.Tensor], proposals: List,
                  data_samples, key: str = 'soft_targets'
                  ) -> Dict[str, torch.Tensor]:
    """RoI losses with the positives distilled towards soft targets.

    Args:
        detector, x, proposals: as :func:`roi_loss`.
        data_samples: ``gt_instances`` with the pseudo boxes, their
            ``labels`` (the class of the box regression) and ``key``:
            (B_i, C) foreground distributions.
        key: the field of the soft targets.

    Returns:
        ``loss_cls`` (background RoIs), ``loss_kd`` (positive RoIs: soft
        cross entropy to ``[t_j, 0]`` over the C + 1 logits; with
        ``loss_cls`` it sums to ``1/N sum_i`` over the N sampled RoIs),
        ``loss_bbox`` and ``acc``.
    """
    def stage_loss(losses, scores, _, matched, n_all):
        losses['loss_kd'] = _soft_ce_sum(scores, matched[key]) / n_all
        return losses

    return _each_stage(detector, x, proposals, data_samples, (key, ),
                       stage_loss)
