"""Miniature GTA5 and SYNTHIA-RAND-CITYSCAPES in their real layouts.

    gta5/images/00001.png                 # RGB
    gta5/labels/00001.png                 # indexed PNG: Cityscapes label
                                          # ids, their colours as palette
    synthia/RGB/0000000.png               # RGB
    synthia/GT/LABELS/0000000.png         # 16-bit, 3 channels: class id in
                                          # red, instance id in green
    synthia/GT/COLOR/0000000.png          # colour visualisation

The images are colour-coded street scenes (``scenes``) with a source-
specific tint: the domain gap of the miniature benchmarks.
"""
import os.path as osp

import numpy as np

from .labels import CITYSCAPES, CITYSCAPES_CLASSES, SYNTHIA_IDS
from .scenes import VOID, make_scene, render
from .writing import write_image, write_palette_png, write_png16

# every Cityscapes label id with its colour (GTA5's palette)
GTA5_PALETTE = {c[1]: c[3] for c in CITYSCAPES}
_GTA5_ID = np.zeros(256, np.uint8)            # void -> 0 (unlabeled)
_GTA5_ID[:len(CITYSCAPES)] = [c[1] for c in CITYSCAPES]
# SYNTHIA ids of the 19 train ids; the 3 classes SYNTHIA lacks as its own
# terrain (16), truck (18) and train (20); void 0
_SYNTHIA_EXTRA = {'terrain': 16, 'truck': 18, 'train': 20}
_SYNTHIA_ID = np.zeros(256, np.uint16)
_SYNTHIA_ID[:len(CITYSCAPES)] = [
    SYNTHIA_IDS.get(c, _SYNTHIA_EXTRA.get(c, 0)) for c in CITYSCAPES_CLASSES]


def _frames(num: int, size, seed: int):
    """(index, scene, generator) of ``num`` random street scenes of
    ``size`` = (w, h); the generator is the one the scenes come from (the
    caller renders with it before the next scene is drawn)."""
    rng = np.random.default_rng(seed)
    w, h = size
    for k in range(num):
        yield k, make_scene(h, w, rng), rng


def make_gta5(root: str, num: int = 4, size=(240, 132),
              seed: int = 0) -> str:
    """``root/gta5`` with ``num`` frames of ``size`` = (w, h)."""
    base = osp.join(root, 'gta5')
    for k, scene, rng in _frames(num, size, seed + 4):
        write_image(osp.join(base, 'images', f'{k + 1:05d}.png'),
                    render(scene.train_ids, rng, gain=1.05))
        write_palette_png(osp.join(base, 'labels', f'{k + 1:05d}.png'),
                          _GTA5_ID[scene.train_ids], GTA5_PALETTE)
    return base


def make_synthia(root: str, num: int = 4, size=(160, 96),
                 seed: int = 0) -> str:
    """``root/synthia`` (RAND-CITYSCAPES) with ``num`` frames."""
    base = osp.join(root, 'synthia')
    for k, scene, rng in _frames(num, size, seed + 5):
        ids = _SYNTHIA_ID[scene.train_ids]
        ids[scene.train_ids == VOID] = 0
        label = np.zeros(ids.shape + (3, ), np.uint16)   # OpenCV order: BGR
        label[..., 2] = ids
        label[..., 1] = scene.instances
        write_image(osp.join(base, 'RGB', f'{k:07d}.png'),
                    render(scene.train_ids, rng, gain=0.95))
        write_png16(osp.join(base, 'GT', 'LABELS', f'{k:07d}.png'), label)
        write_image(osp.join(base, 'GT', 'COLOR', f'{k:07d}.png'),
                    render(scene.train_ids, rng, noise=0))
    return base
