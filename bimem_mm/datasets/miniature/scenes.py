"""Street-scene label maps and their colour-coded images.

A scene is a (H, W) map of Cityscapes train ids (0-18, 255 void): sky,
buildings and vegetation above a road with a sidewalk, some small stuff
(poles, signs, lights, fences) and a few objects of the 8 instance classes
as rectangles, each with its own instance number. The image is each
pixel's class colour (``labels.CITYSCAPES``) with noise.
"""
from typing import List, NamedTuple

import numpy as np

from .labels import CITYSCAPES_CLASSES, CITYSCAPES_COLORS, INSTANCE_CLASSES

VOID = 255
_ID = {c: i for i, c in enumerate(CITYSCAPES_CLASSES)}


class Scene(NamedTuple):
    """``train_ids`` (H, W) uint8; ``instances`` (H, W) int32, 0 outside
    objects, else 1, 2, ... per object; ``objects`` [(train id, instance
    number)]."""
    train_ids: np.ndarray
    instances: np.ndarray
    objects: List[tuple]


def _rect(rng, h, w, y_range, hw_range):
    """A random (y1, y2, x1, x2) inside the image, top in ``y_range``."""
    bh = int(rng.integers(*hw_range[0]))
    bw = int(rng.integers(*hw_range[1]))
    y1 = int(rng.integers(*y_range))
    x1 = int(rng.integers(0, max(1, w - bw)))
    return y1, min(h, y1 + bh), x1, min(w, x1 + bw)


def make_scene(h: int, w: int, rng: np.random.Generator,
               num_objects=(2, 4), stuff=True) -> Scene:
    """A random street scene of ``h`` x ``w`` pixels."""
    ids = np.full((h, w), _ID['building'], np.uint8)
    sky = int(h * rng.uniform(0.2, 0.35))
    road = int(h * rng.uniform(0.6, 0.7))
    ids[:sky] = _ID['sky']
    ids[road:] = _ID['road']
    walk = max(1, h // 16)
    ids[road:road + walk] = _ID['sidewalk']
    veg = int(w * rng.uniform(0.1, 0.3))
    ids[sky:road, :veg] = _ID['vegetation']
    ids[h - max(1, h // 16):, :w // 5] = VOID        # ego vehicle: void
    if stuff:
        small = (max(2, h // 16), max(3, h // 8)), (max(2, w // 40),
                                                     max(3, w // 20))
        for name in ('pole', 'traffic sign', 'traffic light', 'fence',
                     'wall', 'terrain'):
            y1, y2, x1, x2 = _rect(rng, h, w, (sky, road), small)
            ids[y1:y2, x1:x2] = _ID[name]
    inst = np.zeros((h, w), np.int32)
    objects = []
    n = int(rng.integers(num_objects[0], num_objects[1] + 1))
    size = (max(4, h // 6), max(6, h // 3)), (max(4, w // 16),
                                              max(8, w // 6))
    for k in range(n):
        name = INSTANCE_CLASSES[int(rng.integers(len(INSTANCE_CLASSES)))]
        y1, y2, x1, x2 = _rect(rng, h, w, (sky, max(sky + 1, road - 2)),
                               size)
        ids[y1:y2, x1:x2] = _ID[name]
        inst[y1:y2, x1:x2] = k + 1
        objects.append((_ID[name], k + 1))
    # an object hidden by a later one has no pixel left: drop it
    present = set(np.unique(inst).tolist())
    objects = [o for o in objects if o[1] in present]
    return Scene(ids, inst, objects)


def render(train_ids: np.ndarray, rng: np.random.Generator,
           colors: np.ndarray = CITYSCAPES_COLORS, gain: float = 1.0,
           noise: float = 6.0) -> np.ndarray:
    """(H, W, 3) uint8 RGB: each pixel its class colour x ``gain`` + noise
    (void pixels black)."""
    img = np.zeros(train_ids.shape + (3, ), np.float32)
    valid = train_ids != VOID
    img[valid] = colors[train_ids[valid]].astype(np.float32) * gain
    img += rng.normal(0, noise, img.shape)
    return img.clip(0, 255).astype(np.uint8)


def fog(rgb: np.ndarray, beta: float) -> np.ndarray:
    """Foggy Cityscapes' optical model I = J t + A (1 - t), t = exp(-beta
    d), with the depth d growing from 5 m (bottom row) to 40 m (top) and
    the atmospheric light A white."""
    h = rgb.shape[0]
    depth = np.linspace(40.0, 5.0, h)[:, None, None]
    t = np.exp(-beta * depth)
    out = rgb.astype(np.float32) * t + 255.0 * (1 - t)
    return out.clip(0, 255).astype(np.uint8)
