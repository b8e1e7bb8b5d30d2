"""Digit scenes for detection: a few digits pasted on a blank canvas.

Numpy (plus OpenCV for resizing) only. A scene is a ``canvas x canvas``
uint8 image holding 2-5 digits of random sizes at random, non-overlapping
places; each digit gives one box, the tight box around its ink. The layout
depends only on the seed, the file's name and the images (never on the
labels), so a scene set built without labels is the same as one built
with them.
"""
import os.path as osp
import zlib
from typing import NamedTuple, Sequence, Tuple

import numpy as np

from ..datasets.digits_data import load_digits_npz, prepare_digits

__all__ = ['Scenes', 'compose_scenes', 'load_scenes']


class Scenes(NamedTuple):
    """``images`` (S, H, W) uint8; ``boxes`` list of S (B_i, 4) float32
    x1, y1, x2, y2 in pixels; ``digits`` list of S (B_i,) int64 indices of
    the pasted digits in the source array (their labels give the classes).
    """
    images: np.ndarray
    boxes: list
    digits: list


def _ink_box(patch: np.ndarray, threshold: int):
    """Tight (x1, y1, x2, y2) box of the pixels above ``threshold``."""
    ink = patch > threshold
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    if rows.size == 0:
        return None
    return cols[0], rows[0], cols[-1] + 1, rows[-1] + 1


def _overlaps(box, placed, gap: int) -> bool:
    if not placed:
        return False
    p = np.asarray(placed)
    return bool(((box[0] < p[:, 2] + gap) & (p[:, 0] < box[2] + gap)
                 & (box[1] < p[:, 3] + gap) & (p[:, 1] < box[3] + gap)).any())


def compose_scenes(digits: np.ndarray, num_scenes: int, canvas: int = 64,
                   per_scene: Tuple[int, int] = (2, 5),
                   digit_size: Tuple[int, int] = (14, 22), seed: int = 0,
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
    digits = np.asarray(digits)
    if digits.ndim != 3 or digits.dtype != np.uint8 or len(digits) == 0:
        raise ValueError(f'digits must be a non-empty (N, h, w) uint8 array, '
                         f'got {digits.dtype} {digits.shape}')
    lo, hi = int(digit_size[0]), int(digit_size[1])
    if not 0 < lo <= hi <= canvas:
        raise ValueError(f'digit_size {digit_size} does not fit a canvas of '
                         f'{canvas}')
    rng = np.random.default_rng(seed)
    counts = rng.integers(per_scene[0], per_scene[1] + 1, num_scenes)
    total = int(counts.sum())
    order = np.concatenate([rng.permutation(len(digits)) for _ in range(
        -(-total // len(digits)))])[:total]
    sizes = rng.integers(lo, hi + 1, total)
    # resize once per distinct size (vectorised over the digits)
    resized = {s: prepare_digits(digits[order[sizes == s]], int(s))
               for s in np.unique(sizes)}
    taken = {s: 0 for s in resized}
    images = np.zeros((num_scenes, canvas, canvas), np.uint8)
    boxes, used = [], []
    start = 0
    for i, n in enumerate(counts):
        placed, ids = [], []
        for j in range(start, start + n):
            s = int(sizes[j])
            patch = resized[s][taken[s]]
            taken[s] += 1
            ink = _ink_box(patch, ink_threshold)
            if ink is None:
                continue
            for _ in range(max_tries):
                top, left = rng.integers(0, canvas - s + 1, 2)
                box = (left + ink[0], top + ink[1], left + ink[2],
                       top + ink[3])
                if not _overlaps(box, placed, gap):
                    region = images[i, top:top + s, left:left + s]
                    np.maximum(region, patch, out=region)
                    placed.append(box)
                    ids.append(order[j])
                    break
        start += n
        boxes.append(np.asarray(placed, np.float32).reshape(-1, 4))
        used.append(np.asarray(ids, np.int64))
    return Scenes(images, boxes, used)


def _to_gray(images: np.ndarray) -> np.ndarray:
    if images.ndim == 3:
        return images
    w = np.array([0.299, 0.587, 0.114], np.float32)
    return np.clip(np.rint(images.astype(np.float32) @ w), 0,
                   255).astype(np.uint8)


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
    x, y, _ = load_digits_npz(npz_file, images,
                              labels if with_label else None)
    x = _to_gray(x)
    if crop is not None:
        x = prepare_digits(x, int(crop), int(crop))
    name = f'{osp.basename(str(npz_file))}/{images}'.encode()
    try:
        scenes = compose_scenes(x, int(num_scenes), int(canvas),
                                tuple(per_scene), tuple(digit_size),
                                seed=[int(seed), zlib.crc32(name)])
    except ValueError as err:
        raise ValueError(f'{npz_file}: array {images!r}: {err}') from err
    classes = None if y is None else [y[d] for d in scenes.digits]
    return scenes, classes
