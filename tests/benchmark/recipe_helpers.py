"""Two tiny digit files (16x16 source, 28x28 MNIST-framed target) for the
recipe tests: enough for the recipes to read their shapes."""
import numpy as np


def make_pair(tmp_path):
    """(source npz, target npz, out folder) under ``tmp_path``."""
    def npz(name, side):
        path = tmp_path / name
        np.savez(path, x_train=np.zeros((4, side, side), np.uint8),
                 y_train=np.zeros(4, np.int64))
        return str(path)
    return npz('src.npz', 16), npz('tgt.npz', 28), str(tmp_path / 'out')
