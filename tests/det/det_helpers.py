"""Tiny digit files, det stores and tool runs for the det tests."""
import os.path as osp
import subprocess
import sys

import numpy as np

from bimem_mm.store import PredictionWriter

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
N_SCENES, PER_SCENE, BATCH = 12, 3, 4
WARMUP = 'configs/det/digits/warmup_scenes.py'
BIMEM = 'configs/det/digits/bimem_scenes.py'
BLACKBOX = 'configs/det/digits/blackbox_scenes.py'
ORACLE = 'configs/det/digits/oracle_scenes.py'
META = ('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor',
        'flip', 'flip_direction', 'bb_bboxes', 'bb_scores', 'bb_probs',
        'homography_matrix')


def make_npz(path, n=40, side=16, seed=0):
    """(n, side, side) 'digits': a bright block of random size each."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, side, side), np.uint8)
    for i in range(n):
        h, w = rng.integers(6, side - 2, 2)
        top, left = rng.integers(0, side - h), rng.integers(0, side - w)
        x[i, top:top + h, left:left + w] = rng.integers(128, 256)
    y = np.arange(n, dtype=np.int64) % 10
    np.savez(path, x_train=x, y_train=y, x_test=x[:20], y_test=y[:20])
    return str(path)


def scene_dataset(npz, **kwargs):
    from bimem_mm.det import DigitScenesDataset
    args = dict(num_scenes=N_SCENES, per_scene=(PER_SCENE, PER_SCENE),
                with_label=True, lazy_init=False)
    return DigitScenesDataset(npz, **dict(args, **kwargs))


def make_store(root, npz, mode='topk', k=3, score=0.9, seed=0):
    """A det store whose boxes are the scenes' boxes, labels noisy."""
    rng = np.random.default_rng(seed)
    ds = scene_dataset(npz)
    with PredictionWriter(str(root), 'det', [str(i) for i in range(10)],
                          mode=mode, k=k) as writer:
        for i in range(len(ds)):
            info = ds.get_data_info(i)
            boxes = np.array([a['bbox'] for a in info['instances']],
                             np.float32)
            logits = rng.normal(size=(len(boxes), 10)) * 2
            probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
            writer.add(info['bb_key'], probs, bboxes=boxes,
                       scores=np.full(len(boxes), score, np.float32),
                       img_shape=info['ori_shape'])
    return str(root)


def tiny_options(npz, store, iters, extra=()):
    """cfg-options that point a digit-scene config at the tiny files."""
    opts = [f'train_cfg.max_iters={iters}', f'train_cfg.val_interval={iters}',
            f'default_hooks.checkpoint.interval={iters}',
            'default_hooks.logger.interval=1',
            f'train_dataloader.batch_size={BATCH}',
            'memory_init_dataloader.batch_size=8',
            'val_dataloader.batch_size=8']
    for loader in ('train', 'val', 'test', 'memory_init'):
        opts += [f'{loader}_dataloader.dataset.npz_file={npz}',
                 f'{loader}_dataloader.dataset.crop=None',
                 f'{loader}_dataloader.dataset.num_scenes={N_SCENES}',
                 f'{loader}_dataloader.dataset.per_scene='
                 f'[{PER_SCENE},{PER_SCENE}]']
    if store is not None:
        for loader in ('train', 'memory_init'):
            opts.append(f'{loader}_dataloader.dataset.pipeline.0.store='
                        f'{store}')
    return opts + list(extra)


def run_tool(tool, *args, check=True):
    """Run tools/<tool> in a subprocess (one thread); returns the result."""
    env = dict(__import__('os').environ, OMP_NUM_THREADS='1',
               PYTHONWARNINGS='ignore')
    proc = subprocess.run([sys.executable, osp.join(REPO, 'tools', tool)]
                          + [str(a) for a in args], capture_output=True,
                          text=True, cwd=REPO, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f'{tool} failed:\n{proc.stdout[-3000:]}\n'
                             f'{proc.stderr[-3000:]}')
    return proc



def tiny_data(tmp_path):
    """(npz, store) of a tiny scene set; each test module wraps it in a
    fixture (a conftest.py here would clash with the other test folders'
    ``from conftest import ...``)."""
    npz = make_npz(tmp_path / 'digits.npz')
    return npz, make_store(tmp_path / 'store', npz)
