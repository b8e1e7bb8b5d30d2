"""Black boxes for the miniature datasets (``tools/predict_blackbox.py
--callable``, ``tools/benchmark.py --blackbox-callable``).

They answer from the ground truth that the colour-coded images carry, with
noise, as an imperfect source model would: a classification black box is
right on most images with a confident but not one-hot distribution; a
segmentation black box decodes each pixel's class, softened by noise; a
detection black box finds the objects' boxes (through fog) with scores
mostly above the detection configs' pseudo-box threshold (0.7), some boxes
jittered, some labels wrong. Each answer depends only on the image (the
noise is seeded by its pixels), so a rerun stores the same predictions.

Each takes a list of (H, W, 3) uint8 RGB images and returns one prediction
per image in the form ``bimem_mm.<task>.blackbox.record_from_callable``
reads.
"""
import zlib
from typing import List

import numpy as np

from .labels import (
    CITYSCAPES_CLASSES,
    CITYSCAPES_COLORS,
    INSTANCE_CLASSES,
    OFFICE31,
    OFFICEHOME,
    SYNTHIA_16,
    VISDA2017,
    class_colors,
)

WRONG = 0.2          # classification: share of confidently wrong answers
# fog transmissions tried when decoding colours (1: clear weather)
TRANSMISSIONS = np.array([1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3])


def _rng(img: np.ndarray) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(np.ascontiguousarray(img)))


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)).astype(np.float32)


def _nearest(pixels: np.ndarray, colors: np.ndarray) -> np.ndarray:
    """(..., 3) pixels -> (...) index of the nearest of (C, 3) colours."""
    d = ((pixels[..., None, :].astype(np.float32)
          - colors.astype(np.float32)) ** 2).sum(-1)
    return d.argmin(-1)


def _classify(images: List[np.ndarray], num_classes: int) -> list:
    colors = class_colors(num_classes)
    out = []
    for img in images:
        rng = _rng(img)
        label = int(_nearest(img.reshape(-1, 3).mean(0), colors))
        if rng.random() < WRONG:
            label = int(rng.integers(num_classes))
        logits = rng.normal(0, 1, num_classes)
        logits[label] += 4.0
        out.append(_softmax(logits))
    return out


def classify_office31(images):
    """(31,) probabilities per Office-31 image."""
    return _classify(images, len(OFFICE31))


def classify_officehome(images):
    """(65,) probabilities per Office-Home image."""
    return _classify(images, len(OFFICEHOME))


def classify_visda2017(images):
    """(12,) probabilities per VisDA-2017 image."""
    return _classify(images, len(VISDA2017))


def _segment(images, classes) -> list:
    colors = CITYSCAPES_COLORS[[CITYSCAPES_CLASSES.index(c)
                                for c in classes]]
    out = []
    for img in images:
        rng = _rng(img)
        labels = _nearest(img, colors)
        logits = rng.normal(0, 1.0, labels.shape + (len(classes), ))
        np.put_along_axis(logits, labels[..., None], 3.0, -1)
        out.append(_softmax(logits))
    return out


def segment_cityscapes(images):
    """(H, W, 19) probabilities per image (GTA5 -> Cityscapes)."""
    return _segment(images, CITYSCAPES_CLASSES)


def segment_synthia16(images):
    """(H, W, 16) probabilities per image (SYNTHIA -> Cityscapes)."""
    return _segment(images, SYNTHIA_16)


def _class_map(img: np.ndarray) -> np.ndarray:
    """(H, W) Cityscapes train id of each pixel, through fog: the nearest
    of the colours as seen at any of :data:`TRANSMISSIONS`."""
    seen = (CITYSCAPES_COLORS[None].astype(np.float32)
            * TRANSMISSIONS[:, None, None]
            + 255.0 * (1 - TRANSMISSIONS[:, None, None])).reshape(-1, 3)
    return _nearest(img, seen) % len(CITYSCAPES_CLASSES)


def detect_cityscapes(images):
    """Boxes of the 8 Cityscapes instance classes per image: ``bboxes``
    (B, 4) x1, y1, x2, y2 in pixels, ``scores`` (B,), ``probs`` (B, 8)."""
    from scipy import ndimage
    out = []
    for img in images:
        rng = _rng(img)
        classes = _class_map(img)
        boxes, labels = [], []
        for c, name in enumerate(INSTANCE_CLASSES):
            parts, _ = ndimage.label(classes == CITYSCAPES_CLASSES.index(
                name))
            for sl in ndimage.find_objects(parts):
                ys, xs = sl
                if (ys.stop - ys.start) * (xs.stop - xs.start) >= 6:
                    boxes.append([xs.start, ys.start, xs.stop, ys.stop])
                    labels.append(c)
        n = len(boxes)
        boxes = np.array(boxes, np.float32).reshape(n, 4)
        boxes += rng.normal(0, 1.0, boxes.shape).astype(np.float32)
        labels = np.array(labels, np.int64)
        wrong = rng.random(n) < 0.1
        labels[wrong] = rng.integers(len(INSTANCE_CLASSES), size=int(
            wrong.sum()))
        logits = rng.normal(0, 0.5, (n, len(INSTANCE_CLASSES)))
        logits[np.arange(n), labels] += 4.0
        out.append(dict(bboxes=boxes,
                        scores=rng.uniform(0.6, 0.99, n).astype(np.float32),
                        probs=_softmax(logits)))
    return out
