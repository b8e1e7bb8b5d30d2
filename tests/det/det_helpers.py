"""Tiny digit files, det stores and tool runs for the det tests."""
import os.path as osp
import sys

import numpy as np

from bimem_mm.store import PredictionWriter

# the helpers shared with the other task folder (tests/tiny_digits.py)
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
import tiny_digits  # noqa: E402
from tiny_digits import (  # noqa: E402,F401  (re-exported)
    check_resumed_memories,
    run_tool,
)

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
    return tiny_digits.make_npz(path, n, side, seed, min_side=6,
                                min_value=128, n_test=20)


def scene_dataset(npz, **kwargs):
    from bimem_mm.det import DigitScenesDataset
    args = dict(num_scenes=N_SCENES, per_scene=(PER_SCENE, PER_SCENE),
                with_label=True, lazy_init=False)
    return DigitScenesDataset(npz, **dict(args, **kwargs))


def labelled_batch(wrapper, npz, store, n=4):
    """A preprocessed batch of ``n`` scenes with the black box's boxes
    (``store``) and the labelled boxes, for ``wrapper``."""
    from mmengine.dataset import pseudo_collate
    ds = scene_dataset(npz, pipeline=[
        dict(type='bimem_mm.LoadBlackBoxBoxes', store=store),
        dict(type='LoadAnnotations', with_bbox=True),
        dict(type='Resize', scale=(64, 64), keep_ratio=True),
        dict(type='PackDetInputs', meta_keys=META)])
    return wrapper.data_preprocessor(
        pseudo_collate([ds[i] for i in range(n)]), True)


def roi_losses_and_mmdets(det, batch, alpha=1.0, beta=0.0):
    """(our ``roi_loss`` with ``BiMemLoss(alpha, beta)``, mmdet's
    ``roi_head.loss``) of ``det`` on ``batch``'s labelled boxes taken as
    pseudo boxes (``labels_long`` = labels), with the same RoI sampling."""
    import copy

    import torch

    from bimem_mm.det.roi_loss import roi_loss, rpn_loss
    from bimem_mm.models import BiMemLoss
    samples = batch['data_samples']
    for s in samples:
        s.gt_instances.labels_long = s.gt_instances.labels.clone()
    x = det.extract_feat(batch['inputs'])
    _, proposals = rpn_loss(det, x, samples)
    torch.manual_seed(1)
    ours = roi_loss(det, x, copy.deepcopy(proposals), samples,
                    BiMemLoss(alpha=alpha, beta=beta))
    torch.manual_seed(1)
    ref = det.roi_head.loss(x, copy.deepcopy(proposals), samples)
    return ours, ref


def make_store(root, npz, mode='topk', k=3, score=0.9, seed=0):
    """A det store whose boxes are the scenes' boxes, labels noisy;
    ``score`` one value, or values repeated over each image's boxes."""
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
                       scores=np.resize(np.asarray(score, np.float32),
                                        len(boxes)),
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



def tiny_data(tmp_path):
    """(npz, store) of a tiny scene set; each test module wraps it in a
    fixture (a conftest.py here would clash with the other test folders'
    ``from conftest import ...``)."""
    npz = make_npz(tmp_path / 'digits.npz')
    return npz, make_store(tmp_path / 'store', npz)


def model_and_batch(data, **options):
    """The BiMem scene detector (``options`` on its wrapper; ``train_cfg``:
    per stage assigner updates) and a preprocessed batch of ``data``
    (npz, store) read through the black-box box loader."""
    import torch
    from mmengine.config import Config
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import init_default_scope

    import bimem_mm.det  # noqa: F401
    from bimem_mm.registry import MODELS
    npz, store = data
    init_default_scope('mmdet')
    cfg = Config.fromfile(BIMEM)
    for name, part in (options.pop('train_cfg', None) or {}).items():
        cfg.model.model.train_cfg[name].assigner.update(part['assigner'])
    torch.manual_seed(0)
    model = MODELS.build(dict(cfg.model, **options))
    ds = scene_dataset(npz, pipeline=[
        dict(type='bimem_mm.LoadBlackBoxBoxes', store=store),
        dict(type='Resize', scale=(64, 64), keep_ratio=True),
        dict(type='PackDetInputs', meta_keys=META)])
    raw = pseudo_collate([ds[i] for i in range(BATCH)])
    return model, model.data_preprocessor(raw, True)
