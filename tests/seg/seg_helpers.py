"""Tiny digit files, seg stores, models and tool runs for the seg tests."""
import os.path as osp
import sys

import numpy as np

from bimem_mm.store import PredictionWriter

# the helpers shared with the other task folder (tests/tiny_digits.py)
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
import tiny_digits  # noqa: E402
from tiny_digits import run_tool  # noqa: E402,F401  (re-exported)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
WARMUP = 'configs/seg/digits/warmup_scenes.py'
BIMEM = 'configs/seg/digits/bimem_scenes.py'
BLACKBOX = 'configs/seg/digits/blackbox_scenes.py'
ORACLE = 'configs/seg/digits/oracle_scenes.py'
N_SCENES, CANVAS, CROP, BATCH, K_UNITS, QUEUE = 6, 32, 24, 2, 8, 48
NUM_CLASSES = 11


def make_npz(path, n=30, side=16, seed=0):
    """(n, side, side) 'digits': a bright bar of random size each."""
    return tiny_digits.make_npz(path, n, side, seed, min_side=4,
                                min_value=160, n_test=12)


def scene_kwargs(**extra):
    return dict(dict(num_scenes=N_SCENES, canvas=CANVAS, digit_size=(8, 12),
                     per_scene=(2, 3)), **extra)


def fake_probs(img, num_classes=NUM_CLASSES):
    """A pixelwise black box: (H, W[, 1]) uint8 -> (H, W, C) float32.

    Class ``img // 24 % C`` gets 0.6, the next one 0.25, the rest share
    0.15: a deterministic function of each pixel, so it commutes with any
    nearest-neighbour geometric transform.
    """
    img = np.asarray(img)
    if img.ndim == 3:
        img = img[..., 0]
    cls = (img.astype(np.int64) // 24) % num_classes
    probs = np.full(img.shape + (num_classes,), 0.15 / (num_classes - 2),
                    np.float32)
    np.put_along_axis(probs, cls[..., None], 0.6, -1)
    np.put_along_axis(probs, ((cls + 1) % num_classes)[..., None], 0.25, -1)
    return probs


def make_store(root, npz, images='x_train', seed=1, mode='topk', k=3,
               downscale=1):
    """A seg store of ``fake_probs`` for the scenes a config builds."""
    from bimem_mm.seg import DigitSceneSegDataset
    from bimem_mm.seg.blackbox import record_from_callable
    ds = DigitSceneSegDataset(npz, images=images, seed=seed, with_label=False,
                            **scene_kwargs())
    args = type('Args', (), {'downscale': downscale})()
    classes = [str(i) for i in range(NUM_CLASSES)]
    with PredictionWriter(str(root), 'seg', classes, mode=mode, k=k,
                          dtype='float32') as writer:
        for i in range(len(ds)):
            info = ds.get_data_info(i)
            writer.add(info['bb_key'], **record_from_callable(
                fake_probs(info['img']), info, args))
    return str(root)


def tiny_options(npz, store, iters, extra=(), supervised=False,
                 memories=None):
    """cfg-options that point a digit-scene config at the tiny files;
    ``memories`` (default: not ``supervised``) adds small refiner sizes
    (False for a config without memories, e.g. DINE's)."""
    opts = [f'train_cfg.max_iters={iters}', f'train_cfg.val_interval={iters}',
            f'default_hooks.checkpoint.interval={iters}',
            f'param_scheduler.0.end={iters}',
            'default_hooks.logger.interval=1',
            f'train_dataloader.batch_size={BATCH}',
            'val_dataloader.batch_size=4', 'test_dataloader.batch_size=4']
    loaders = ['train', 'val', 'test']
    if not supervised:
        loaders.append('memory_init')
        opts.append('memory_init_dataloader.batch_size=4')
    for loader in loaders:
        opts += [f'{loader}_dataloader.dataset.{k}={v}' for k, v in dict(
            npz_file=npz, crop=None, **scene_kwargs()).items()]
    first = 0 if supervised else 1   # index of RandomResize
    opts += [f'train_dataloader.dataset.pipeline.{first}.scale='
             f'({CANVAS},{CANVAS})',
             f'train_dataloader.dataset.pipeline.{first + 1}.crop_size='
             f'({CROP},{CROP})']
    if store is not None:
        opts.append(f'train_dataloader.dataset.pipeline.0.store={store}')
    if memories if memories is not None else not supervised:
        opts += [f'model.refiner.units_per_group={K_UNITS}',
                 f'model.refiner.queue_length={QUEUE}',
                 'model.refiner.min_units_short=1']
    return [o.replace(' ', '') for o in opts] + list(extra)


def build_cfg(config, npz, store, extra=(), supervised=False):
    """The config with the tiny options applied, default scope set."""
    import argparse

    from mmengine.config import Config, DictAction
    from mmengine.registry import init_default_scope
    cfg = Config.fromfile(osp.join(REPO, config))
    parser = argparse.ArgumentParser()
    parser.add_argument('--o', nargs='+', action=DictAction)
    memories = cfg.model.get('refiner') is not None
    opts = parser.parse_args(['--o'] + tiny_options(
        npz, store, 2, extra, supervised, memories)).o
    cfg.merge_from_dict(opts)
    init_default_scope(cfg.default_scope)
    import bimem_mm.seg  # noqa: F401
    return cfg
