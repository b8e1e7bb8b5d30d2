"""What a (source, target) pair of ``.npz`` image files holds, checked.

``tools/benchmark.py --pair SRC.npz:TGT.npz`` takes any image-classification
pair of this form: ``x_train`` (and the target's ``x_test``) uint8 images
(N, H, W) or (N, H, W, 3) of any size, ``y_train`` / ``y_test`` integer
labels 0..C-1 and, optionally, a ``classes`` array of C names. Channels,
image side and class count are read from the files (or given as flags);
every problem stops the benchmark before it runs, naming the file.
"""
import math
import zipfile
from typing import NamedTuple, Optional, Tuple

import numpy as np

DIGIT_SIDE = 28      # files no larger than this are digits: 16x16 framing
DIGIT_SIZE = 16      # the digit recipe's image side
DIGIT_CLASSES = 10


class PairError(ValueError):
    """A pair of files the benchmark cannot run; the message names it."""


class ImageFormat(NamedTuple):
    """How a pair's images reach the models."""
    channels: int        # 1 (grey) or 3 (RGB)
    size: int            # side of the square images the models see
    num_classes: int
    digits: bool         # both files digit-sized (<= 28x28)


def array_shape(path: str, name: str) -> Tuple[Tuple[int, ...], np.dtype]:
    """(shape, dtype) of array ``name`` of an ``.npz`` file, read from its
    header only (nothing is decompressed)."""
    try:
        with zipfile.ZipFile(path) as z, z.open(f'{name}.npy') as f:
            version = np.lib.format.read_magic(f)
            read = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                    else np.lib.format.read_array_header_2_0)
            shape, _, dtype = read(f)
    except KeyError:
        with zipfile.ZipFile(path) as z:
            names = sorted(n[:-4] for n in z.namelist())
        raise PairError(f'{path}: no array {name!r} (the file has '
                        f'{names})') from None
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise PairError(f'{path}: not a readable .npz file ({err})') from None
    return shape, dtype


def _images(path: str, name: str) -> Tuple[int, int, int]:
    """(H, W, channels) of an image array, checked."""
    shape, dtype = array_shape(path, name)
    if dtype != np.uint8:
        raise PairError(f'{path}: array {name!r} has dtype {dtype}, '
                        'expected uint8 images')
    if not (len(shape) == 3 or (len(shape) == 4 and shape[3] == 3)) \
            or 0 in shape:
        raise PairError(f'{path}: array {name!r} has shape {shape}, '
                        'expected (N, H, W) or (N, H, W, 3) images')
    return shape[1], shape[2], 3 if len(shape) == 4 else 1


def _labels(path: str, name: str, n: Optional[int] = None) -> np.ndarray:
    with np.load(path, allow_pickle=False) as data:
        if name not in data.files:
            raise PairError(f'{path}: no array {name!r} (the file has '
                            f'{sorted(data.files)})')
        y = data[name]
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise PairError(f'{path}: array {name!r} has shape {y.shape} and '
                        f'dtype {y.dtype}, expected (N,) integer labels')
    if y.size and y.min() < 0:
        raise PairError(f'{path}: array {name!r} has label {int(y.min())} '
                        f'at index {int(np.argmin(y))}; labels are 0..C-1')
    return y


def _named_classes(path: str) -> Optional[int]:
    """len(``classes``) of a file that names its classes, else None."""
    with np.load(path, allow_pickle=False) as data:
        return len(data['classes']) if 'classes' in data.files else None


def _check_range(path: str, name: str, y: np.ndarray, c: int, why: str):
    bad = np.flatnonzero(y >= c)
    if bad.size:
        raise PairError(f'{path}: array {name!r} has label {int(y[bad[0]])} '
                        f'at index {int(bad[0])} ({bad.size} in all) outside '
                        f'0..{c - 1}: {why}')


def read_format(source: str, target: str, channels: Optional[int] = None,
                size: Optional[int] = None,
                num_classes: Optional[int] = None) -> ImageFormat:
    """The :class:`ImageFormat` of a pair, every value from the files
    unless given: channels 3 if either file is RGB, else 1; side 16 for
    digit-sized files (both at most 28x28, MNIST's 28x28 framing cropped
    to 20x20), else the source's larger side; classes from the source's
    ``classes`` array or its largest label + 1. Reads the target's test
    labels only to check they fit (never its training labels).

    Raises:
        PairError: a wrong shape or dtype, a label out of range, a class
            count mismatch between source and target.
    """
    src_h, src_w, src_c = _images(source, 'x_train')
    tgt = [_images(target, name) for name in ('x_train', 'x_test')]
    digits = max(src_h, src_w, *(max(h, w) for h, w, _ in tgt)) <= DIGIT_SIDE
    channels = channels or max([src_c] + [c for _, _, c in tgt])
    size = size or (DIGIT_SIZE if digits else max(src_h, src_w))
    y_src = _labels(source, 'y_train')
    named = _named_classes(source), _named_classes(target)
    if None not in named and named[0] != named[1]:
        raise PairError(f'{target}: {named[1]} classes but the source '
                        f'{source} has {named[0]} (class count mismatch)')
    if num_classes is None:
        num_classes = named[0] or named[1] or int(y_src.max()) + 1
        why = (f'{source} names {num_classes} classes' if named[0] else
               f'{target} names {num_classes} classes' if named[1] else
               f"the source's labels give {num_classes} classes")
    else:
        why = f'--num-classes {num_classes}'
    for path, c in zip((source, target), named):
        if c is not None and c != num_classes:
            raise PairError(f'{path}: names {c} classes, not {num_classes} '
                            f'({why}; class count mismatch)')
    _check_range(source, 'y_train', y_src, num_classes, why)
    _check_range(target, 'y_test', _labels(target, 'y_test'), num_classes,
                 f'{why} (class count mismatch between source and target?)')
    if channels not in (1, 3):
        raise PairError(f'--channels {channels}: expected 1 or 3')
    if size < 4:
        raise PairError(f'--image-size {size}: expected at least 4')
    return ImageFormat(int(channels), int(size), int(num_classes), digits)


def backbone_stages(size: int) -> Tuple[Tuple[int, ...], Tuple[bool, ...]]:
    """SmallConvNet ``channels`` and ``downsample`` that bring a ``size``
    image to about 4x4 before pooling: the digit net's three stages (32,
    64, 128; 16 -> 4) and one more 128-wide halving stage per doubling
    (e.g. 64x64: five stages, 64 -> 4)."""
    halvings = max(2, round(math.log2(size / 4)))
    return ((32, 64, 128) + (128, ) * (halvings - 2),
            (False, ) + (True, ) * halvings)


def describe(fmt: ImageFormat) -> str:
    """'3x64x64, 31 classes'."""
    return f'{fmt.channels}x{fmt.size}x{fmt.size}, {fmt.num_classes} classes'
