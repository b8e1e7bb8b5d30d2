"""Two tiny digit files (16x16 source, 28x28 MNIST-framed target) for the
recipe tests: enough for the recipes to read their shapes."""
import numpy as np


def make_pair(tmp_path):
    """(source npz, target npz, out folder) under ``tmp_path``."""
    def npz(name, side):
        path = tmp_path / name
        x, y = np.zeros((4, side, side), np.uint8), np.arange(4) * 3
        np.savez(path, x_train=x, y_train=y, x_test=x, y_test=y)
        return str(path)
    return npz('src.npz', 16), npz('tgt.npz', 28), str(tmp_path / 'out')
