"""Prediction-store size per Cityscapes image vs the mIoU the store keeps.

    python tools/benchmarks/store_size.py [--checkpoint BB.pth] [--out DIR]

Two measurements per storage setting (mode, K, dtype, downscale):

* **bytes per Cityscapes-size image** (1024 x 2048, 19 classes): a store
  holding one synthetic map is written and its shard measured, against the
  official dense float32 C x H x W ``.npy`` (159 MB);
* **mIoU loss** on the digit-scene black box: its predictions on the
  target test scenes go through the same setting (downscale, top-k,
  dtype, the writer, the reader, the nearest upsampling of
  ``bimem_mm.LoadBlackBoxSegMap``), and the mIoU of their argmax is
  compared with that of the full float32 maps, at the image resolution
  and at 1/4 of it (where the official code's units live: the DeepLabV2
  map upsampled 2x; the maps and labels are area- / nearest-downsampled).
  ``tv`` is the mean total variation distance to the full distribution
  (what calibration sees).

Without ``--checkpoint`` a black box is trained first (tools/train.py on
the embedded digit pair). Prints a markdown table (also written to
``OUT/store_size.md``).
"""
import argparse
import os
import os.path as osp
import subprocess
import sys
import tempfile

import numpy as np

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)
BB_CONFIG = 'configs/seg/digits/blackbox_scenes.py'
CITYSCAPES = (1024, 2048, 19)
DENSE_BYTES = 4 * CITYSCAPES[0] * CITYSCAPES[1] * CITYSCAPES[2]
# (mode, K, dtype, downscale)
SETTINGS = ([('probs', 19, 'float32', 1), ('probs', 19, 'float16', 1)]
            + [('topk', k, 'float16', ds) for k in (1, 2, 3, 5)
               for ds in (1, 2, 4)]
            + [('hard', 1, 'float16', ds) for ds in (1, 2, 4)])


def write_store(root, probs_list, keys, mode, k, dtype, downscale, classes):
    """Write (H, W, C) maps through the seg record path; return the store."""
    from bimem_mm.seg.blackbox import record_from_callable
    from bimem_mm.store import PredictionStore, PredictionWriter
    args = argparse.Namespace(downscale=downscale)
    with PredictionWriter(root, 'seg', classes, mode=mode, k=k,
                          dtype=dtype) as writer:
        for key, probs in zip(keys, probs_list):
            writer.add(key, **record_from_callable(probs, {}, args))
    return PredictionStore(root, validate=False)


def cityscapes_bytes(mode, k, dtype, downscale, workdir) -> int:
    """Bytes of one 1024x2048x19 image's record (its shard on disk)."""
    h, w, c = CITYSCAPES
    sh, sw = -(-h // downscale), -(-w // downscale)
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(sh, sw, c)).astype(np.float32)
    probs = np.exp(logits - logits.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    root = tempfile.mkdtemp(dir=workdir)
    # the map is already at the stored size: write it with downscale 1
    store = write_store(root, [probs], ['img'], mode, k, dtype, 1,
                        [str(i) for i in range(c)])
    return os.path.getsize(osp.join(root, store.manifest['shards'][0][
        'file']))


def miou(pred: np.ndarray, gt: np.ndarray, num_classes: int) -> float:
    """mIoU (%) over classes present in gt or pred; 255 ignored."""
    keep = gt != 255
    hist = np.bincount(num_classes * gt[keep].astype(np.int64)
                       + pred[keep], minlength=num_classes ** 2).reshape(
        num_classes, num_classes)
    union = hist.sum(0) + hist.sum(1) - np.diag(hist)
    with np.errstate(invalid='ignore'):
        iou = np.diag(hist) / union
    return float(np.nanmean(iou) * 100)


def through_store(probs_list, setting, workdir):
    """Full (H, W, C) maps -> what training reads back at image size."""
    import mmcv
    mode, k, dtype, ds = setting
    c = probs_list[0].shape[-1]
    keys = [f'{i:06d}' for i in range(len(probs_list))]
    store = write_store(tempfile.mkdtemp(dir=workdir), probs_list, keys,
                        mode, k, dtype, ds, [str(i) for i in range(c)])
    out = []
    for key, full in zip(keys, probs_list):
        p = store.probs(key)
        if p.shape[:2] != full.shape[:2]:
            p = mmcv.imresize(p, full.shape[1::-1], interpolation='nearest')
        out.append(p.reshape(full.shape))
    return out


def _quarter(maps, gts):
    """Area-downsample (H, W, C) maps and nearest-downsample labels by 4."""
    import cv2
    small = [cv2.resize(m, (max(1, m.shape[1] // 4), max(1, m.shape[0] // 4)),
                        interpolation=cv2.INTER_AREA).reshape(
        max(1, m.shape[0] // 4), max(1, m.shape[1] // 4), -1) for m in maps]
    return small, [g[2::4, 2::4][:s.shape[0], :s.shape[1]]
                   for g, s in zip(gts, small)]


def _miou_of(maps, gts, c):
    return miou(np.concatenate([p.argmax(-1).ravel() for p in maps]),
                np.concatenate([g.ravel() for g in gts]), c)


def loss_table(probs_list, gts, settings, workdir):
    """Full-map mIoU (image, 1/4) and {setting: (loss, loss at 1/4, tv)}."""
    c = probs_list[0].shape[-1]
    small, small_gts = _quarter(probs_list, gts)
    full = (_miou_of(probs_list, gts, c), _miou_of(small, small_gts, c))
    out = {}
    for setting in settings:
        back = through_store(probs_list, setting, workdir)
        tv = np.mean([0.5 * np.abs(b - p).sum(-1).mean()
                      for b, p in zip(back, probs_list)])
        out[setting] = (full[0] - _miou_of(back, gts, c),
                        full[1] - _miou_of(_quarter(back, gts)[0],
                                           small_gts, c), float(tv))
    return full, out


def black_box_predictions(config, checkpoint, target_npz, num_scenes):
    """Softmax maps (H, W, C) and label maps of the target test scenes."""
    import torch
    from mmengine.config import Config
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import init_default_scope
    from mmengine.runner import load_checkpoint

    from bimem_mm import compat
    compat.apply()
    cfg = Config.fromfile(osp.join(REPO, config))
    init_default_scope(cfg.default_scope)
    import bimem_mm.seg  # noqa: F401
    from bimem_mm.registry import DATASETS, MODELS
    model = MODELS.build(cfg.model).eval()
    load_checkpoint(model, checkpoint, map_location='cpu')
    ds_cfg = dict(cfg.test_dataloader.dataset, npz_file=target_npz,
                  num_scenes=num_scenes)
    dataset = DATASETS.build(ds_cfg)
    probs, gts = [], []
    with torch.no_grad():
        for start in range(0, len(dataset), 50):
            batch = pseudo_collate([dataset[i] for i in range(
                start, min(start + 50, len(dataset)))])
            for out in model.test_step(batch):
                probs.append(torch.softmax(out.seg_logits.data, 0).permute(
                    1, 2, 0).numpy())
                gts.append(out.gt_sem_seg.data[0].numpy())
    return probs, gts


def train_black_box(out):
    from bimem_mm.datasets.digits_data import make_embedded_digits
    paths = make_embedded_digits(osp.join(out, 'data'))
    work = osp.join(out, 'black_box')
    ckpt = osp.join(work, 'iter_400.pth')
    if not osp.exists(ckpt):
        with open(osp.join(out, 'train_black_box.log'), 'w') as log:
            subprocess.run(
                [sys.executable, osp.join(REPO, 'tools', 'train.py'),
                 BB_CONFIG, '--work-dir', work, '--cfg-options',
                 f'train_dataloader.dataset.npz_file={paths["source"]}'],
                cwd=REPO, stdout=log, stderr=subprocess.STDOUT, check=True)
    return ckpt, paths['target']


def markdown(full, losses, sizes) -> str:
    lines = [f'digit-scene black box, full float32 maps: mIoU {full[0]:.2f} '
             f'(at 1/4 resolution: {full[1]:.2f})', '',
             '| mode | K | dtype | downscale | bytes / Cityscapes image '
             '| % of dense fp32 | mIoU loss | mIoU loss at 1/4 | tv |',
             '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |']
    for s in SETTINGS:
        loss, loss4, tv = losses[s]
        lines.append(f'| {s[0]} | {s[1]} | {s[2]} | {s[3]} | {sizes[s]:,} | '
                     f'{100 * sizes[s] / DENSE_BYTES:.2f} | {loss:.2f} | '
                     f'{loss4:.2f} | {tv:.3f} |')
    lines.append(f'\ndense float32 C x H x W: {DENSE_BYTES:,} bytes')
    return '\n'.join(lines) + '\n'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--checkpoint', help='digit-scene black box')
    parser.add_argument('--config', default=BB_CONFIG)
    parser.add_argument('--target-npz', default=None,
                        help='digit file of the target test scenes '
                        '(default: the embedded MNIST subset)')
    parser.add_argument('--num-scenes', type=int, default=300)
    parser.add_argument('--out', default='work_dirs/store_size')
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    ckpt, target = args.checkpoint, args.target_npz
    if ckpt is None:
        ckpt, default_target = train_black_box(args.out)
        target = target or default_target
    elif target is None:
        from bimem_mm.datasets.digits_data import make_embedded_digits
        target = make_embedded_digits(osp.join(args.out, 'data'))['target']
    probs, gts = black_box_predictions(args.config, ckpt, target,
                                       args.num_scenes)
    with tempfile.TemporaryDirectory(dir=args.out) as tmp:
        full, losses = loss_table(probs, gts, SETTINGS, tmp)
        sizes = {s: cityscapes_bytes(s[0], s[1], s[2], s[3], tmp)
                 for s in SETTINGS}
    table = markdown(full, losses, sizes)
    with open(osp.join(args.out, 'store_size.md'), 'w') as f:
        f.write(table)
    print(table)


if __name__ == '__main__':
    main()
