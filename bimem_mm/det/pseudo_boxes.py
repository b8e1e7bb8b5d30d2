"""Black-box boxes of a batch, mapped into the network input frame.

``LoadBlackBoxBoxes`` leaves the boxes in original image pixels; here each
image's ``homography_matrix`` (recorded by mmdet's geometric transforms)
maps them onto its augmented view, as ``SemiBaseDetector`` projects its
pseudo instances. Boxes are flattened over the batch into *units*.
"""
from typing import List, NamedTuple, Optional, Sequence

import numpy as np
import torch
from mmdet.structures.bbox import bbox_overlaps, bbox_project
from mmengine.structures import InstanceData


class PseudoBoxes(NamedTuple):
    """Black-box boxes of a batch.

    ``bboxes``: list of per-image (B_i, 4) tensors in network-input pixels;
    ``probs`` (N, C) black-box distributions, ``scores`` (N,) and
    ``groups`` (N,) image index, with N = sum B_i in image order.
    """
    bboxes: List[torch.Tensor]
    probs: torch.Tensor
    scores: torch.Tensor
    groups: torch.Tensor

    def split(self, values: torch.Tensor) -> Sequence[torch.Tensor]:
        """(N, ...) per-unit values -> per-image chunks."""
        return values.split([len(b) for b in self.bboxes])


def _meta(sample, name: str, where: str):
    value = sample.metainfo.get(name)
    if value is None:
        raise KeyError(
            f'{where}: data sample has no {name!r}: put bimem_mm.'
            'LoadBlackBoxBoxes in the pipeline and keep bimem_mm.det.'
            'BLACK_BOX_META_KEYS in PackDetInputs(meta_keys=...)')
    return value


def project_boxes(sample, device) -> tuple:
    """One image's black-box boxes mapped onto its network input.

    Returns:
        bboxes (B, 4) clipped to ``img_shape``, probs (B, C), scores (B,).
    """
    where = sample.metainfo.get('img_path', 'image')
    boxes = torch.as_tensor(np.asarray(_meta(sample, 'bb_bboxes', where)),
                            dtype=torch.float32, device=device)
    probs = torch.as_tensor(np.asarray(_meta(sample, 'bb_probs', where)),
                            dtype=torch.float32, device=device)
    scores = torch.as_tensor(np.asarray(_meta(sample, 'bb_scores', where)),
                             dtype=torch.float32, device=device)
    matrix = sample.metainfo.get('homography_matrix')
    if matrix is None:
        if tuple(sample.img_shape[:2]) != tuple(sample.ori_shape[:2]):
            raise KeyError(
                f'{where}: the image was resized but its data sample has no '
                "'homography_matrix': add it to PackDetInputs' meta_keys")
        matrix = np.eye(3, dtype=np.float32)
    matrix = torch.as_tensor(np.asarray(matrix), dtype=torch.float32,
                             device=device)
    boxes = bbox_project(boxes.reshape(-1, 4), matrix, sample.img_shape[:2])
    return boxes, probs, scores.reshape(-1)


def pseudo_boxes(data_samples, score_thr: float = 0.0,
                 min_size: float = 1.0,
                 device: Optional[torch.device] = None) -> PseudoBoxes:
    """Flatten the batch's black-box boxes into units.

    Keeps the boxes whose black-box score is >= ``score_thr`` and whose
    sides are >= ``min_size`` pixels after the projection (a crop may cut
    them). Loops over images only.

    Args:
        data_samples: list of ``DetDataSample`` with the black-box meta.
        score_thr: black-box score threshold of a pseudo box.
        min_size: smallest side (pixels) of a kept box.
        device: where the tensors go.
    """
    bboxes, probs, scores, groups = [], [], [], []
    for i, sample in enumerate(data_samples):
        b, p, s = project_boxes(sample, device)
        wh = b[:, 2:] - b[:, :2]
        keep = (s >= score_thr) & (wh >= min_size).all(1)
        bboxes.append(b[keep])
        probs.append(p[keep])
        scores.append(s[keep])
        groups.append(torch.full((int(keep.sum()),), i, dtype=torch.long,
                                 device=device))
    return PseudoBoxes(bboxes, torch.cat(probs), torch.cat(scores),
                       torch.cat(groups))


def uncertain_boxes(data_samples, low: float, high: float,
                    min_size: float = 1.0,
                    device: Optional[torch.device] = None,
                    objects: Optional[List[torch.Tensor]] = None,
                    iou_thr: float = 0.5) -> List[torch.Tensor]:
    """Per image, the (B_i, 4) black-box boxes (network-input pixels) whose
    score is in ``[low, high)``: too unsure to be objects, too likely to be
    background (``DetectorAdapter(ignore_score_thr=...)``).

    A detector's per-class NMS leaves one box per class on an object, so a
    confident box has low-scoring twins of other classes: boxes overlapping
    one of ``objects`` (per image (O_i, 4), the training boxes) with IoU >=
    ``iou_thr`` are such twins and left out (ignoring them would ignore the
    object itself)."""
    out = []
    for i, sample in enumerate(data_samples):
        b, _, s = project_boxes(sample, device)
        wh = b[:, 2:] - b[:, :2]
        b = b[(s >= low) & (s < high) & (wh >= min_size).all(1)]
        if objects is not None and len(b) and len(objects[i]):
            twin = bbox_overlaps(b, objects[i]).max(1).values >= iou_thr
            b = b[~twin]
        out.append(b)
    return out


def attach_instances(data_samples, pseudo: PseudoBoxes, labels: torch.Tensor,
                     keep: torch.Tensor,
                     ignored: Optional[List[torch.Tensor]] = None,
                     **fields) -> None:
    """Set each sample's ``gt_instances`` to its kept pseudo boxes.

    Args:
        labels: (N,) class of every unit.
        keep: (N,) bool, units that become training boxes.
        ignored: per image (I_i, 4) boxes for ``ignored_instances`` (the
            assigners' ``ignore_iof_thr`` > 0 makes anchors and RoIs on
            them neither positive nor negative); None: none.
        **fields: more (N,) per-unit tensors to carry (e.g. ``labels_long``).
    """
    chunks = {name: pseudo.split(v) for name, v in
              dict(labels=labels.long(), keep=keep, **fields).items()}
    for i, sample in enumerate(data_samples):
        k = chunks['keep'][i]
        inst = InstanceData(bboxes=pseudo.bboxes[i][k])
        for name, values in chunks.items():
            if name != 'keep':
                inst[name] = values[i][k]
        sample.gt_instances = inst
        boxes = pseudo.bboxes[i].new_zeros((0, 4)) if ignored is None \
            else ignored[i]
        sample.ignored_instances = InstanceData(
            bboxes=boxes, labels=labels.new_zeros((len(boxes), )))
