"""Digit scenes: digits of a digit ``.npz`` placed on blank canvases.

The CPU-size benchmarks of detection (:mod:`bimem_mm.det.scenes`) and
segmentation (:mod:`bimem_mm.seg.scenes`) compose their scenes with
:func:`compose_scenes`: per scene, its digits and their sides come from
the task's :class:`Placement`, each digit is tried at random places
(top, left) until the placement says it fits, and its ink is pasted with
``np.maximum``. The two placements (numpy and OpenCV only):

- :class:`BoxPlacement` (detection): the layout (digits per scene, which
  digits, sides) is drawn up front; digits are resized like
  :func:`~bimem_mm.datasets.digits_data.prepare_digits`; a digit fits when
  the tight box of its ink keeps ``gap`` pixels from the boxes placed;
  the result is :class:`Scenes` (images, boxes, digit indices).
- :class:`LabelMapPlacement` (segmentation): the layout is drawn scene by
  scene; digits are resized bilinearly; a digit fits when its whole square
  is free (the first of a scene always fits); the result is images and
  label maps (0 background, ``1 + class`` on the ink).

Scenes are a deterministic function of the digits and the seed.
"""
from typing import Iterator, List, NamedTuple, Optional, Tuple

import numpy as np

from .digits_data import load_digits_npz, prepare_digits, prepare_masks, to_gray

__all__ = ['Scenes', 'Placement', 'BoxPlacement', 'LabelMapPlacement',
           'compose_scenes', 'load_scene_digits']


class Scenes(NamedTuple):
    """``images`` (S, H, W) uint8; ``boxes`` list of S (B_i, 4) float32
    x1, y1, x2, y2 in pixels; ``digits`` list of S (B_i,) int64 indices of
    the pasted digits in the source array (their labels give the classes).
    """
    images: np.ndarray
    boxes: list
    digits: list


class Placement:
    """How a task lays its digits out (:func:`compose_scenes` drives it).

    ``layout`` yields, per scene, an iterator of (digit index, side); it
    draws from the composer's generator, so when it draws (up front or
    lazily) is part of the scenes. ``patch`` gives the resized digit (or
    None to skip it), ``fits`` whether a place is free, ``paste`` records
    a placed digit, ``result`` the task's output.
    """

    def start(self, digits: np.ndarray, num_scenes: int, canvas: int):
        self.digits, self.canvas = digits, canvas

    def layout(self, rng, num_scenes: int, per_scene: Tuple[int, int],
               sides: Tuple[int, int]) -> Iterator[Iterator[tuple]]:
        raise NotImplementedError

    def new_scene(self, scene: int) -> None:
        raise NotImplementedError

    def patch(self, digit: int, side: int):
        raise NotImplementedError

    def fits(self, patch, top: int, left: int, nth: int) -> bool:
        raise NotImplementedError

    def paste(self, scene: int, digit: int, patch, top: int,
              left: int) -> None:
        raise NotImplementedError

    def result(self, images: np.ndarray):
        raise NotImplementedError


class BoxPlacement(Placement):
    """Detection: one box per digit, the tight box of its ink.

    Args:
        ink_threshold: pixels above it count as ink for the box (a digit
            without ink is skipped).
        gap: pixels kept free between the boxes of one scene.
    """

    def __init__(self, ink_threshold: int = 64, gap: int = 1):
        self.ink_threshold, self.gap = ink_threshold, gap

    def start(self, digits, num_scenes, canvas):
        super().start(digits, num_scenes, canvas)
        self.placed: List[list] = []     # per scene: boxes, digit indices
        self.ids: List[list] = []

    def layout(self, rng, num_scenes, per_scene, sides):
        counts = rng.integers(per_scene[0], per_scene[1] + 1, num_scenes)
        total, n = int(counts.sum()), len(self.digits)
        # a seeded permutation of the digits, cycled when more are needed
        order = np.concatenate([rng.permutation(n) for _ in range(
            -(-total // n))])[:total]
        side = rng.integers(sides[0], sides[1] + 1, total)
        ends = np.cumsum(counts)
        for end, count in zip(ends, counts):
            yield zip(order[end - count:end], side[end - count:end])

    def new_scene(self, scene):
        self.placed.append([])
        self.ids.append([])

    def patch(self, digit, side):
        img = prepare_digits(self.digits[digit:digit + 1], int(side))[0]
        ink = img > self.ink_threshold
        rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
        if rows.size == 0:
            return None
        return img, (cols[0], rows[0], cols[-1] + 1, rows[-1] + 1)

    def _box(self, patch, top, left):
        ink = patch[1]
        return (left + ink[0], top + ink[1], left + ink[2], top + ink[3])

    def fits(self, patch, top, left, nth):
        if not self.placed[-1]:
            return True
        box, gap = self._box(patch, top, left), self.gap
        p = np.asarray(self.placed[-1])
        return not bool(((box[0] < p[:, 2] + gap) & (p[:, 0] < box[2] + gap)
                         & (box[1] < p[:, 3] + gap)
                         & (p[:, 1] < box[3] + gap)).any())

    def paste(self, scene, digit, patch, top, left):
        self.placed[-1].append(self._box(patch, top, left))
        self.ids[-1].append(digit)

    def result(self, images):
        return Scenes(images, [np.asarray(b, np.float32).reshape(-1, 4)
                               for b in self.placed],
                      [np.asarray(i, np.int64) for i in self.ids])


class LabelMapPlacement(Placement):
    """Segmentation: digits on free squares, a label map of their ink.

    Args:
        labels: (N,) int digit classes 0-9 (the map holds ``1 + class``).
        masks: (N, h, w) bool ink masks, or None (ink = pixel > 127 after
            resizing).
    """

    def __init__(self, labels: np.ndarray, masks: Optional[np.ndarray]):
        self.labels, self.masks = labels, masks

    def start(self, digits, num_scenes, canvas):
        super().start(digits, num_scenes, canvas)
        self.maps = np.zeros((num_scenes, canvas, canvas), np.uint8)

    def layout(self, rng, num_scenes, per_scene, sides):
        order = rng.permutation(len(self.digits))
        used = 0
        for _ in range(num_scenes):
            count = rng.integers(per_scene[0], per_scene[1] + 1)

            def scene(count=count):
                nonlocal used
                for _ in range(count):
                    digit = order[used % len(order)]
                    used += 1
                    yield digit, int(rng.integers(sides[0], sides[1] + 1))
            yield scene()

    def new_scene(self, scene):
        self.taken = np.zeros((self.canvas, self.canvas), bool)

    def patch(self, digit, side):
        import cv2
        img = cv2.resize(self.digits[digit], (side, side),
                         interpolation=cv2.INTER_LINEAR)
        ink = img > 127 if self.masks is None else cv2.resize(
            self.masks[digit].astype(np.uint8), (side, side),
            interpolation=cv2.INTER_NEAREST).astype(bool)
        return img, ink

    def fits(self, patch, top, left, nth):
        side = patch[0].shape[0]
        return nth == 0 or not self.taken[top:top + side,
                                          left:left + side].any()

    def paste(self, scene, digit, patch, top, left):
        side = patch[0].shape[0]
        box = (slice(top, top + side), slice(left, left + side))
        self.taken[box] = True
        self.maps[scene][box] = np.where(patch[1], self.labels[digit] + 1,
                                         self.maps[scene][box])

    def result(self, images):
        return images, self.maps


def compose_scenes(digits: np.ndarray, num_scenes: int,
                   placement: Placement, canvas: int = 64,
                   per_scene: Tuple[int, int] = (2, 5),
                   digit_size: Tuple[int, int] = (14, 22), seed=0,
                   tries: int = 30):
    """Place digits on ``num_scenes`` blank canvases (deterministic).

    Args:
        digits: (N, h, w) uint8 digit images, ink bright on a dark
            background, already framed (e.g. MNIST's central 20x20 crop).
        num_scenes: S.
        placement: the task's :class:`Placement` (a fresh one per call).
        canvas: side of the square scenes.
        per_scene: (min, max) digits per scene, inclusive.
        digit_size: (min, max) side of a pasted digit in pixels, inclusive.
        seed: seeds the layout (``np.random.default_rng``).
        tries: places tried per digit before it is skipped.

    Returns:
        ``placement.result(images)``, images (S, canvas, canvas) uint8.
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
    images = np.zeros((num_scenes, canvas, canvas), np.uint8)
    placement.start(digits, num_scenes, canvas)
    for scene, layout in enumerate(placement.layout(
            rng, num_scenes, per_scene, (lo, hi))):
        placement.new_scene(scene)
        for nth, (digit, side) in enumerate(layout):
            patch = placement.patch(digit, int(side))
            if patch is None:
                continue
            for _ in range(tries):
                top, left = rng.integers(0, canvas - side + 1, 2)
                if placement.fits(patch, top, left, nth):
                    region = images[scene, top:top + side, left:left + side]
                    np.maximum(region, patch[0], out=region)
                    placement.paste(scene, digit, patch, top, left)
                    break
    return placement.result(images)


def load_scene_digits(npz_file: str, images: str = 'x_train',
                      labels: Optional[str] = 'y_train',
                      crop: Optional[int] = None):
    """Digits for scenes from a digit ``.npz``
    (:func:`~bimem_mm.datasets.digits_data.load_digits_npz`): gray (colour
    digits by luminance) and, with ``crop``, centrally cropped (20 for
    MNIST's 28x28 framing).

    Returns:
        (N, h, w) uint8 digits, (N,) int64 labels or None (``labels=None``),
        (N, h, w) bool ink masks or None (the file's ``m_<images>``).
    """
    x, y, m = load_digits_npz(npz_file, images, labels)
    x = to_gray(x)
    if crop is not None:
        x = prepare_digits(x, int(crop), int(crop))
        m = None if m is None else prepare_masks(m, int(crop), int(crop))
    return x, y, m
