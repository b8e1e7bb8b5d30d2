"""Tiny digit data, a black-box store and subprocess runs of tools/*.

(Own module name: ``from conftest import`` would clash with tests/cls.)
"""
import os
import os.path as osp
import subprocess
import sys

import numpy as np

from bimem_mm.store import PredictionWriter

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
HERE = osp.dirname(osp.abspath(__file__))
BLACKBOX = 'configs/cls/digits/blackbox_digits.py'
WARMUP = 'configs/cls/digits/warmup_digits.py'
BIMEM = 'configs/cls/digits/bimem_digits.py'


def make_data(folder, n=16, seed=0):
    """(npz, store): ``n`` random 16x16 digits and a top-3 black box."""
    rng = np.random.default_rng(seed)
    npz = osp.join(folder, 'digits.npz')
    x = rng.integers(0, 256, (n, 16, 16), dtype=np.uint8)
    y = np.arange(n, dtype=np.int64) % 10
    np.savez(npz, x_train=x, y_train=y, x_test=x[:8], y_test=y[:8])
    store = osp.join(folder, 'store')
    with PredictionWriter(store, 'cls', [str(i) for i in range(10)],
                          mode='topk', k=3) as writer:
        for i in range(n):
            logits = rng.normal(size=10) * 3
            writer.add(f'x_train/{i:06d}', np.exp(logits) / np.exp(
                logits).sum())
    return npz, store


def tiny_options(npz, store=None, iters=2, batch=4, memory_init=True):
    """cfg-options pointing a digits config at the tiny files
    (``memory_init=False`` for configs without a memory_init_dataloader)."""
    loaders = ('train', 'val', 'test') + (('memory_init',) if memory_init
                                          else ())
    opts = [f'train_cfg.max_iters={iters}', f'train_cfg.val_interval={iters}',
            'default_hooks.logger.interval=1']
    for loader in loaders:
        opts += [f'{loader}_dataloader.batch_size='
                 f'{batch if loader == "train" else 8}',
                 f'{loader}_dataloader.dataset.npz_file={npz}',
                 f'{loader}_dataloader.dataset.crop=None']
    if store is not None:
        opts.append(f'train_dataloader.dataset.pipeline.0.store={store}')
    return opts


def run_tool(tool, *args, check=True, env=None):
    """Run tools/<tool> (a .py with this Python, or a .sh) in a subprocess."""
    cmd = [str(a) for a in args]
    script = osp.join(REPO, 'tools', tool)
    cmd = (['bash', script] if tool.endswith('.sh') else
           [sys.executable, script]) + cmd
    full_env = dict(os.environ, PYTHON=sys.executable,
                    PYTHONPATH=os.pathsep.join([HERE, REPO]))
    full_env.update(env or {})
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO,
                          env=full_env)
    if check and proc.returncode != 0:
        raise AssertionError(f'{tool} failed:\n{proc.stdout[-3000:]}\n'
                             f'{proc.stderr[-3000:]}')
    return proc


def build_model(config, options=()):
    """The model of ``config`` (with ``options``), built in this process."""
    from mmengine.config import Config
    from mmengine.registry import MODELS, init_default_scope
    from mmengine.utils import import_modules_from_strings

    cfg = Config.fromfile(osp.join(REPO, config))
    if options:
        cfg.merge_from_dict(dict(options))
    import_modules_from_strings(**cfg.custom_imports)
    init_default_scope(cfg.get('default_scope', 'bimem_mm'))
    return MODELS.build(cfg.model)


def predict(images):
    """A --callable black box: (B, 10) probabilities from the intensity."""
    means = np.array([img.mean() for img in images]) / 255.0
    logits = -((np.arange(10)[None] / 9.0 - means[:, None]) ** 2) * 50
    e = np.exp(logits - logits.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)
