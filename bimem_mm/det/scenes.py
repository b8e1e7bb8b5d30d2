"""Digit scenes for detection: a few digits pasted on a blank canvas.

A scene is a ``canvas x canvas`` uint8 image holding 2-5 digits of random
sizes at random, non-overlapping places; each digit gives one box, the
tight box around its ink (:class:`~bimem_mm.datasets.digit_scenes.
BoxPlacement`; the composer is shared with segmentation's scenes). The
layout depends only on the seed, the file's name and the images (never on
the labels), so a scene set built without labels is the same as one built
with them.
"""
import os.path as osp
import zlib
from typing import Sequence, Tuple

import numpy as np

from ..datasets import digit_scenes
from ..datasets.digit_scenes import Scenes, load_scene_digits

__all__ = ['Scenes', 'compose_scenes', 'load_scenes']


def compose_scenes(digits: np.ndarray, num_scenes: int, canvas: int = 64,
                   per_scene: Tuple[int, int] = (2, 5),
                   digit_size: Tuple[int, int] = (14, 22), seed=0,
                   ink_threshold: int = 64, gap: int = 1,
                   max_tries: int = 30) -> Scenes:
    """Paste digits on ``num_scenes`` blank canvases (deterministic).

    Args:
        digits: (N, h, w) uint8 digit images, ink bright on a dark
            background, already framed (e.g. MNIST's central 20x20 crop).
        num_scenes: S.
        canvas: side of the square scenes.
        per_scene: (min, max) digits per scene, inclusive.
        digit_size: (min, max) side of a pasted digit in pixels, inclusive.
        seed: seeds the layout (which digits, sizes, places).
        ink_threshold: pixels above it count as ink for the box.
        gap: pixels kept free between the boxes of one scene.
        max_tries: placements tried per digit before it is skipped.

    Returns:
        :class:`Scenes`. Digits are used in a seeded permutation (cycled
        when the scenes need more digits than there are).
    """
    return digit_scenes.compose_scenes(
        digits, num_scenes, digit_scenes.BoxPlacement(ink_threshold, gap),
        canvas, per_scene, digit_size, seed, max_tries)


def load_scenes(npz_file: str, images: str = 'x_train',
                labels: str = 'y_train', num_scenes: int = 1000,
                crop=None, canvas: int = 64,
                per_scene: Sequence[int] = (2, 5),
                digit_size: Sequence[int] = (14, 22), seed: int = 0,
                with_label: bool = True):
    """Scenes from a digit ``.npz`` file (see ``load_digits_npz``).

    The layout seed mixes ``seed`` with the file name and the image array
    name, so a source and a target file get different layouts.

    Returns:
        (:class:`Scenes`, list of S (B_i,) int64 labels or None).
    """
    x, y, _ = load_scene_digits(npz_file, images,
                                labels if with_label else None, crop)
    name = f'{osp.basename(str(npz_file))}/{images}'.encode()
    try:
        scenes = compose_scenes(x, int(num_scenes), int(canvas),
                                tuple(per_scene), tuple(digit_size),
                                seed=[int(seed), zlib.crc32(name)])
    except ValueError as err:
        raise ValueError(f'{npz_file}: array {images!r}: {err}') from err
    classes = None if y is None else [y[d] for d in scenes.digits]
    return scenes, classes
