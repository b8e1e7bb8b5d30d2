"""Tiny digit files and a black-box store for end-to-end cls tests."""
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest

from bimem_mm.store import PredictionWriter

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
N_TRAIN, BATCH = 48, 8


def make_npz(path, n=N_TRAIN, side=16, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, (n, side, side), dtype=np.uint8)
    y = np.arange(n, dtype=np.int64) % 10
    np.savez(path, x_train=x, y_train=y, x_test=x[:16], y_test=y[:16])
    return str(path)


def make_store(root, n=N_TRAIN, num_classes=10, seed=0, skip=()):
    rng = np.random.default_rng(seed)
    with PredictionWriter(str(root), 'cls', [str(i) for i in
                                             range(num_classes)],
                          mode='topk', k=3) as writer:
        for i in range(n):
            if i in skip:
                continue
            logits = rng.normal(size=num_classes) * 3
            probs = np.exp(logits) / np.exp(logits).sum()
            writer.add(f'x_train/{i:06d}', probs)
    return str(root)


def tiny_options(npz, store, iters, extra=()):
    """cfg-options that point a digits config at the tiny files."""
    opts = [f'train_cfg.max_iters={iters}', f'train_cfg.val_interval={iters}',
            'default_hooks.logger.interval=1',
            f'train_dataloader.batch_size={BATCH}',
            'memory_init_dataloader.batch_size=16']
    for loader in ('train', 'val', 'test', 'memory_init'):
        opts.append(f'{loader}_dataloader.dataset.npz_file={npz}')
        opts.append(f'{loader}_dataloader.dataset.crop=None')
    if store is not None:
        opts.append(f'train_dataloader.dataset.pipeline.0.store={store}')
    return opts + list(extra)


def run_tool(tool, *args, check=True):
    """Run tools/<tool> in a subprocess; returns CompletedProcess."""
    proc = subprocess.run([sys.executable, osp.join(REPO, 'tools', tool)]
                          + [str(a) for a in args], capture_output=True,
                          text=True, cwd=REPO)
    if check and proc.returncode != 0:
        raise AssertionError(f'{tool} failed:\n{proc.stdout[-3000:]}\n'
                             f'{proc.stderr[-3000:]}')
    return proc


@pytest.fixture
def tiny_data(tmp_path):
    npz = make_npz(tmp_path / 'digits.npz')
    store = make_store(tmp_path / 'store')
    return npz, store
