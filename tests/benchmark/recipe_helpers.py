"""Two tiny digit files (16x16 source, 28x28 MNIST-framed target) for the
recipe tests: enough for the recipes to read their shapes; a runner that
records the stages a recipe runs instead of running them."""
import os.path as osp

import numpy as np


def make_pair(tmp_path):
    """(source npz, target npz, out folder) under ``tmp_path``."""
    def npz(name, side):
        path = tmp_path / name
        x, y = np.zeros((4, side, side), np.uint8), np.arange(4) * 3
        np.savez(path, x_train=x, y_train=y, x_test=x, y_test=y)
        return str(path)
    return npz('src.npz', 16), npz('tgt.npz', 28), str(tmp_path / 'out')


class RecordingRunner:
    """Stands in for the stage runner: records each training stage's
    (iterations, max_iters option, load_from options) by work-dir name
    in ``trained`` and every other tool call in ``tools``."""

    def __init__(self):
        self.trained, self.tools = {}, []

    def train(self, config, work_dir, options, log, iters, label, env):
        start = [o for o in options if o.startswith('load_from=')]
        max_iters = [o for o in options
                     if o.startswith('train_cfg.max_iters=')][-1]
        self.trained[osp.basename(work_dir)] = (iters, max_iters, start)
        return osp.join(work_dir, f'iter_{iters}.pth')

    def test(self, *args):
        return None

    def run_tool(self, tool, args, *rest):
        self.tools.append((tool, list(args)))
        return 0.0
