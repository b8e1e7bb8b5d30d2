"""How a detection black box's outputs become store records.

A record (``PredictionWriter.add`` kwargs) holds, per image, ``bboxes``
(B, 4) x1, y1, x2, y2 in original image pixels, ``scores`` (B,), ``probs``
(B, C) a class distribution per box and ``img_shape`` (h, w). Boxes are
clipped to the image; boxes scoring below ``args.score_thr``
(``tools/predict_blackbox.py --score-thr``) or left empty are dropped.
"""
import numpy as np
import torch

from ..core.distributions import hard_to_probs


def _image_shape(data_info) -> tuple:
    shape = data_info.get('ori_shape') or data_info.get('img_shape')
    if shape is None and data_info.get('height') and data_info.get('width'):
        shape = (data_info['height'], data_info['width'])   # COCO-style
    if shape is None and data_info.get('img') is not None:
        shape = data_info['img'].shape[:2]
    if shape is None:
        raise KeyError('the target dataset gives no ori_shape/img_shape: '
                       'cannot check the boxes')
    return int(shape[0]), int(shape[1])


def make_record(bboxes, scores, probs, img_shape, score_thr=0.0) -> dict:
    """Clip, filter and pack one image's boxes.

    Args:
        bboxes: (B, 4). scores: (B,). probs: (B, C) distributions.
        img_shape: (h, w) of the original image.
        score_thr: boxes scoring below it are dropped.
    """
    bboxes = np.asarray(bboxes, np.float32).reshape(-1, 4).copy()
    scores = np.asarray(scores, np.float32).reshape(-1)
    probs = np.asarray(probs, np.float32)
    if probs.ndim != 2 or len(probs) != len(bboxes) or \
            len(scores) != len(bboxes):
        raise ValueError(f'{len(bboxes)} boxes but scores {scores.shape} and '
                         f'probs {probs.shape} (expected (B,) and (B, C))')
    h, w = img_shape
    bboxes[:, 0::2] = bboxes[:, 0::2].clip(0, w)
    bboxes[:, 1::2] = bboxes[:, 1::2].clip(0, h)
    keep = (scores >= score_thr) & (bboxes[:, 2] > bboxes[:, 0]) & (
        bboxes[:, 3] > bboxes[:, 1])
    return dict(probs=probs[keep], bboxes=bboxes[keep],
                scores=scores[keep], img_shape=(h, w))


def record_from_model(data_sample, data_info, args) -> dict:
    """mmdet prediction -> ``PredictionWriter.add`` kwargs.

    Needs ``pred_instances.probs`` (B, C): run the black box as a
    ``bimem_mm.BoxProbsDetector`` (see ``bimem_mm.det.box_probs``).
    """
    inst = data_sample.pred_instances
    if 'probs' not in inst:
        raise KeyError(
            'the detector gives no per-box class distribution '
            '(pred_instances.probs): wrap it as model=dict(type='
            "'bimem_mm.BoxProbsDetector', detector=...) in the black-box "
            'config')
    shape = data_sample.metainfo.get('ori_shape') or _image_shape(data_info)
    return make_record(inst.bboxes.float().cpu().numpy(),
                       inst.scores.float().cpu().numpy(),
                       inst.probs.float().cpu().numpy(),
                       (int(shape[0]), int(shape[1])),
                       getattr(args, 'score_thr', 0.0) or 0.0)


def record_from_callable(output, data_info, args) -> dict:
    """A callable's per-image output -> kwargs.

    ``output`` is a dict with ``bboxes`` (B, 4) in pixels of the image it
    was given, ``scores`` (B,) and either ``probs`` (B, C) or, for a
    hard-label black box, ``labels`` (B,) plus ``num_classes`` (the score
    is then the label's probability, the rest spread evenly).
    """
    if not isinstance(output, dict) or 'bboxes' not in output or \
            'scores' not in output:
        raise ValueError('a detection black box must return, per image, a '
                         "dict with 'bboxes', 'scores' and 'probs' (or "
                         "'labels' and 'num_classes')")
    probs = output.get('probs')
    if probs is None:
        if 'labels' not in output or 'num_classes' not in output:
            raise ValueError("the black box's output has no 'probs'; give "
                             "'labels' and 'num_classes' instead")
        probs = hard_to_probs(torch.as_tensor(np.asarray(output['labels'])),
                              torch.as_tensor(np.asarray(
                                  output['scores'], np.float32)),
                              int(output['num_classes'])).numpy()
    return make_record(output['bboxes'], output['scores'], probs,
                       _image_shape(data_info),
                       getattr(args, 'score_thr', 0.0) or 0.0)
