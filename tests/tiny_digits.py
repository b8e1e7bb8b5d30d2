"""Helpers shared by the seg and det test folders (imported by
tests/seg/seg_helpers.py and tests/det/det_helpers.py): a tiny digit
``.npz`` and tool runs in a subprocess."""
import os
import os.path as osp
import subprocess
import sys

import numpy as np

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def make_npz(path, n, side, seed, min_side, min_value, n_test):
    """(n, side, side) 'digits': a bright block of random size each
    (sides ``min_side`` to ``side - 3``, brightness ``min_value`` to
    255), labels ``i % 10``; the first ``n_test`` are also the test split."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, side, side), np.uint8)
    for i in range(n):
        h, w = rng.integers(min_side, side - 2, 2)
        top, left = rng.integers(0, side - h), rng.integers(0, side - w)
        x[i, top:top + h, left:left + w] = rng.integers(min_value, 256)
    y = np.arange(n, dtype=np.int64) % 10
    np.savez(path, x_train=x, y_train=y, x_test=x[:n_test],
             y_test=y[:n_test])
    return str(path)


def run_tool(tool, *args, check=True):
    """Run tools/<tool> in a subprocess (one thread); returns the result."""
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
    proc = subprocess.run([sys.executable, osp.join(REPO, 'tools', tool)]
                          + [str(a) for a in args], capture_output=True,
                          text=True, cwd=REPO, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f'{tool} failed:\n{proc.stdout[-3000:]}\n'
                             f'{proc.stderr[-3000:]}')
    return proc
