"""Helpers shared by the seg and det test folders (imported by
tests/seg/seg_helpers.py and tests/det/det_helpers.py): a tiny digit
``.npz``, tool runs in a subprocess and the check of a resumed BiMem
training."""
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


def check_resumed_memories(config, work, more_options, first, per_iter,
                           queue):
    """``tools/train.py --resume`` of ``config`` in ``work`` (with
    ``more_options`` taking it to iteration 4): the memories come from the
    checkpoint (no second initialisation) and went on from ``first``, the
    state dict at iteration 2 (``per_iter`` units pushed per iteration into
    a queue of ``queue``). Returns the run's log."""
    import torch
    out = run_tool('train.py', config, '--work-dir', work, '--resume',
                   '--cfg-options', *more_options)
    log = out.stdout + out.stderr
    assert 'resumed' in log.lower()
    assert 'long-term memory initialised' not in log   # from the checkpoint
    final = torch.load(osp.join(work, 'iter_4.pth'), weights_only=True)
    sd = final['state_dict']
    assert final['meta']['iter'] == 4
    assert int(sd['refiner.short_term.num_pushed']) == 4 * per_iter
    assert int(sd['refiner.short_term.ptr']) == (4 * per_iter) % queue
    assert not torch.equal(sd['refiner.long_term.prototypes'],
                           first['refiner.long_term.prototypes'])
    return log
