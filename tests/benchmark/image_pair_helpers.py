"""Tiny image-classification .npz files of any size, channels and class
count, for the --pair tests."""
import numpy as np


def make_images(path, n=40, side=16, num_classes=10, rgb=True, seed=0,
                **extra):
    """``n`` images whose class is a bright row (so a few iterations learn
    something); ``extra`` arrays are added or replace the defaults."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % num_classes
    shape = (n, side, side, 3) if rgb else (n, side, side)
    x = rng.integers(0, 60, shape).astype(np.uint8)
    x[np.arange(n), (y * side) // num_classes] = 255
    arrays = dict(x_train=x, y_train=y, x_test=x[:20], y_test=y[:20])
    arrays.update(extra)
    np.savez(path, **arrays)
    return str(path)
