"""Augmentation of the digit classifiers."""
import numpy as np
from mmcv.transforms import BaseTransform

from ..registry import TRANSFORMS

PADDING_MODES = ('constant', 'edge', 'reflect', 'symmetric')


@TRANSFORMS.register_module()
class RandomShift(BaseTransform):
    """Shift ``results['img']`` (H, W[, C]) by up to ``max_shift`` pixels
    each way, filling the uncovered border by ``padding_mode``; the size is
    kept.

    mmpretrain's ``RandomCrop(padding=...)`` always pads with a constant
    (its ``padding_mode`` applies only to ``pad_if_needed``): on digits
    whose background is not black that draws black bars the test images
    never have. ``'edge'`` repeats the border instead (the same as a zero
    pad on black-background digits).

    Args:
        max_shift: largest shift in pixels (>= 0).
        padding_mode: ``np.pad`` mode: 'constant' (zeros), 'edge',
            'reflect' or 'symmetric'.
    """

    def __init__(self, max_shift: int = 2, padding_mode: str = 'edge'):
        if padding_mode not in PADDING_MODES:
            raise ValueError(f'padding_mode must be one of {PADDING_MODES}, '
                             f'got {padding_mode!r}')
        if int(max_shift) < 0:
            raise ValueError(f'max_shift must be >= 0, got {max_shift}')
        self.max_shift = int(max_shift)
        self.padding_mode = padding_mode

    def transform(self, results: dict) -> dict:
        img = results['img']
        s = self.max_shift
        if s == 0:
            return results
        h, w = img.shape[:2]
        pad = ((s, s), (s, s)) + ((0, 0), ) * (img.ndim - 2)
        padded = np.pad(img, pad, mode=self.padding_mode)
        top, left = np.random.randint(0, 2 * s + 1, size=2)
        results['img'] = np.ascontiguousarray(
            padded[top:top + h, left:left + w])
        return results

    def __repr__(self):
        return (f'{type(self).__name__}(max_shift={self.max_shift}, '
                f'padding_mode={self.padding_mode!r})')
