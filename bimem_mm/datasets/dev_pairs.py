"""The development suite: digit domain pairs to choose hyperparameters on.

Built only from the shared USPS / MNIST files (``usps.npz``, ``mnist.npz``,
see :mod:`bimem_mm.datasets.digits_data`); nothing is downloaded and no other
dataset is read. Every file is a deterministic function of the two inputs and
the seed.

Each base (MNIST: 28x28 framing, digits in a central 20x20 box; USPS: 16x16,
filling the frame) is split into two disjoint halves (train and test alike):
``<base>_clean.npz`` holds half A unchanged, every ``<base>_<variant>.npz``
holds half B transformed, so a source and a target never share an image.
Variants (:data:`VARIANTS`):

- ``rotated``: rotated by 30-60 degrees either way.
- ``inverted``: dark ink on a white background.
- ``noisy``: Gaussian pixel noise (sigma 50).
- ``blurred``: Gaussian blur, sigma 7% of the digit box.
- ``rescaled``: shrunk to 50-70% and shifted inside the digit box.
- ``coloured``: RGB; a flat random background colour, ink in its opposite.
- ``textured``: RGB; a procedural texture (random sinusoid gratings over
  smooth colour noise), ink drawn as ``|texture - ink|`` per channel.

Files hold ``x_train`` / ``x_test`` uint8 (N, H, W) or (N, H, W, 3),
``y_train`` / ``y_test`` int64 and ``m_x_train`` / ``m_x_test`` bool ink
masks (N, H, W) (the clean ink, > 127, moved by the same geometry), which
the segmentation scenes use for their label maps. Variants whose background
is not dark (``inverted``, ``coloured``, ``textured``, and ``noisy``'s
speckle) do not paste cleanly onto the scenes' black canvases: scene
builders must take the ink from the masks.
"""
import os
import os.path as osp
import zlib

import numpy as np

from .digits_data import _save_atomic, load_digits_npz

__all__ = ['VARIANTS', 'BASES', 'make_variant', 'make_dev_pairs',
           'dev_pair_list']

VARIANTS = ('rotated', 'inverted', 'noisy', 'blurred', 'rescaled',
            'coloured', 'textured')
# file in --data-dir, side of the digit box, images per half (train, test)
BASES = dict(mnist=dict(file='mnist.npz', box=20, train=4000, test=2000),
             usps=dict(file='usps.npz', box=16, train=3000, test=1000))


def _rng(seed, *names):
    return np.random.default_rng(
        [int(seed)] + [zlib.crc32(n.encode()) for n in names])


def _warp(x, m, mats):
    """Apply (N, 2, 3) affine ``mats`` to images (linear) and masks
    (nearest); the frame is kept, uncovered pixels are background 0."""
    import cv2
    h, w = x.shape[1:3]
    xo, mo = np.empty_like(x), np.empty_like(m)
    for i, a in enumerate(mats):
        xo[i] = cv2.warpAffine(x[i], a, (w, h), flags=cv2.INTER_LINEAR)
        mo[i] = cv2.warpAffine(m[i].astype(np.uint8), a, (w, h),
                               flags=cv2.INTER_NEAREST).astype(bool)
    return xo, mo


def _rotated(x, m, box, rng):
    import cv2
    h, w = x.shape[1:3]
    ang = rng.uniform(30, 60, len(x)) * rng.choice([-1, 1], len(x))
    mats = np.stack([cv2.getRotationMatrix2D((w / 2 - .5, h / 2 - .5), a, 1.)
                     for a in ang])
    return _warp(x, m, mats)


def _rescaled(x, m, box, rng):
    h, w = x.shape[1:3]
    n = len(x)
    s = rng.uniform(0.5, 0.7, n)
    shift = rng.uniform(-1, 1, (n, 2)) * ((1 - s) * box / 2)[:, None]
    cx, cy = w / 2 - .5, h / 2 - .5
    mats = np.zeros((n, 2, 3))
    mats[:, 0, 0] = mats[:, 1, 1] = s
    mats[:, 0, 2] = cx * (1 - s) + shift[:, 0]
    mats[:, 1, 2] = cy * (1 - s) + shift[:, 1]
    return _warp(x, m, mats)


def _inverted(x, m, box, rng):
    return 255 - x, m


def _noisy(x, m, box, rng):
    noise = rng.normal(0, 50, x.shape)
    return np.clip(np.rint(x + noise), 0, 255).astype(np.uint8), m


def _blurred(x, m, box, rng):
    import cv2
    sigma = 0.07 * box
    out = np.stack([cv2.GaussianBlur(a, (0, 0), sigma) for a in x])
    return out, m


def _paint(x, bg, fg):
    """Alpha-blend ink colour ``fg`` over background ``bg`` by ink value."""
    a = (x.astype(np.float32) / 255.)[..., None]
    return np.clip(np.rint(bg * (1 - a) + fg * a), 0, 255).astype(np.uint8)


def _coloured(x, m, box, rng):
    n = len(x)
    bg = rng.integers(0, 256, (n, 1, 1, 3)).astype(np.float32)
    fg = np.clip(255 - bg + rng.integers(-30, 31, (n, 1, 1, 3)), 0, 255)
    return _paint(x, bg, fg), m


def textures(n, h, w, rng):
    """(n, h, w, 3) float32 textures in [0, 255]: three random sinusoid
    gratings with random colours over bilinear-upsampled 4x4 colour noise."""
    import cv2
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32) / max(h, w)
    freq = rng.uniform(1, 3.5, (n, 3, 1, 1))
    theta = rng.uniform(0, np.pi, (n, 3, 1, 1))
    phase = rng.uniform(0, 2 * np.pi, (n, 3, 1, 1))
    waves = np.sin(2 * np.pi * freq * (np.cos(theta) * xx + np.sin(theta)
                                       * yy) + phase)          # (n, 3, h, w)
    colours = rng.uniform(-50, 50, (n, 3, 3))                  # wave, channel
    tex = np.einsum('nkhw,nkc->nhwc', waves, colours)
    coarse = rng.uniform(40, 215, (n, 4, 4, 3)).astype(np.float32)
    smooth = np.stack([cv2.resize(c, (w, h), interpolation=cv2.INTER_LINEAR)
                       for c in coarse])
    return np.clip(tex + smooth, 0, 255).astype(np.float32)


def _textured(x, m, box, rng):
    tex = textures(len(x), x.shape[1], x.shape[2], rng)
    ink = x.astype(np.float32)[..., None]
    return np.clip(np.rint(np.abs(tex - ink)), 0, 255).astype(np.uint8), m


_MAKERS = dict(rotated=_rotated, inverted=_inverted, noisy=_noisy,
               blurred=_blurred, rescaled=_rescaled, coloured=_coloured,
               textured=_textured)


def make_variant(x, variant, box, rng):
    """Transform digits ``x`` (N, H, W) uint8 (ink bright) into ``variant``.

    Returns ``(images, masks)``: (N, H, W) or (N, H, W, 3) uint8 and
    (N, H, W) bool ink masks.
    """
    if variant not in _MAKERS:
        raise ValueError(f'unknown variant {variant!r}; choose from '
                         f'{VARIANTS}')
    x = np.asarray(x)
    if x.ndim != 3 or x.dtype != np.uint8:
        raise ValueError(f'digits must be (N, H, W) uint8, got {x.dtype} '
                         f'{x.shape}')
    return _MAKERS[variant](x, x > 127, box, rng)


def _halves(path, base, seed):
    """Split a base file into two disjoint halves: {'a': arrays, 'b': ...}."""
    spec = BASES[base]
    halves = dict(a={}, b={})
    for split in ('train', 'test'):
        x, y, _ = load_digits_npz(path, f'x_{split}', f'y_{split}')
        if x.ndim != 3:
            raise ValueError(f'{path}: array x_{split} has shape {x.shape}, '
                             'expected grey digits (N, H, W)')
        n = spec[split]
        if len(x) < 2 * n:
            raise ValueError(f'{path}: array x_{split} holds {len(x)} images, '
                             f'need {2 * n} for two halves of {n}')
        order = _rng(seed, base, split).permutation(len(x))
        for half, idx in (('a', order[:n]), ('b', order[n:2 * n])):
            halves[half][split] = (x[idx], y[idx])
    return halves


def dev_pair_list(bases=tuple(BASES), variants=VARIANTS):
    """[(source file name, target file name)] of the suite, both ways."""
    pairs = []
    if set(bases) >= {'mnist', 'usps'}:
        pairs += [('usps_clean.npz', 'mnist_clean.npz'),
                  ('mnist_clean.npz', 'usps_clean.npz')]
    for b in bases:
        for v in variants:
            pairs += [(f'{b}_clean.npz', f'{b}_{v}.npz'),
                      (f'{b}_{v}.npz', f'{b}_clean.npz')]
    return pairs


def make_dev_pairs(data_dir, out_dir, seed=0, bases=tuple(BASES),
                   variants=VARIANTS, overwrite=False):
    """Write ``<base>_clean.npz`` and ``<base>_<variant>.npz`` into
    ``out_dir`` from ``data_dir``'s ``mnist.npz`` / ``usps.npz``.

    Files that exist are kept unless ``overwrite``. Returns the written or
    kept paths, by file name.
    """
    bad = [v for v in variants if v not in _MAKERS]
    if bad:
        raise ValueError(f'unknown variant(s) {bad}; choose from {VARIANTS}')
    out_dir = osp.abspath(os.fspath(out_dir))
    os.makedirs(out_dir, exist_ok=True)
    paths = {}
    for base in bases:
        if base not in BASES:
            raise ValueError(f'unknown base {base!r}; choose from '
                             f'{tuple(BASES)}')
        src = osp.join(os.fspath(data_dir), BASES[base]['file'])
        names = [f'{base}_clean.npz'] + [f'{base}_{v}.npz' for v in variants]
        todo = [n for n in names if overwrite
                or not osp.isfile(osp.join(out_dir, n))]
        paths.update({n: osp.join(out_dir, n) for n in names})
        if not todo:
            continue
        halves = _halves(src, base, seed)
        for name in todo:
            variant = name[len(base) + 1:-4]
            arrays = {}
            for split in ('train', 'test'):
                half = halves['a' if variant == 'clean' else 'b']
                x, y = half[split]
                if variant == 'clean':
                    img, ink = x, x > 127
                else:
                    img, ink = make_variant(
                        x, variant, BASES[base]['box'],
                        _rng(seed, base, variant, split))
                arrays.update({f'x_{split}': img, f'y_{split}': y,
                               f'm_x_{split}': ink})
            _save_atomic(paths[name], arrays)
    return paths
