"""Why calibration helps or hurts segmentation: the long-term calibrated
labels of a memory checkpoint against the black box's, per temperature.

    python tools/benchmarks/seg_calibration.py \
        work_dirs/dev_u2m/seg/usps2mnist/seed0/bimem/bimem_scenes.py \
        work_dirs/dev_u2m/seg/usps2mnist/seed0/bimem/memory_init.pth \
        --temperatures 1,0.3,0.1 --batches 20

Loads the config (as the benchmark wrote it: its store and target files),
the checkpoint (warm-up weights + initialised long-term memory, e.g. the
``memory_init.pth`` a BiMem stage writes), and over the first ``--batches``
un-augmented training batches compares, on valid pixels, the black box's
label and ``argmax(w_long(z) * p_bb)`` of the teacher (= the warm-up model)
with the true label map (analysis only: the truth is read here, never in
training). Prints pixel accuracy, the share of labels changed, how many of
the changes were right, the changes into / out of background, and the
label maps' mIoU and mean class accuracy (mAcc) against the truth. Pixel
accuracy alone misleads on background-heavy scenes: on USPS -> MNIST a
calibration that lowers pixel accuracy raises the labels' mAcc and the
adapted model's mIoU (docs/dev_suite/seg.md, session 5).
"""
import argparse
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--temperatures', default='1')
    parser.add_argument('--batches', type=int, default=20)
    parser.add_argument('--batch-size', type=int, default=8)
    return parser.parse_args(argv)


def label_scores(conf):
    """(C, C) confusion (rows truth, columns label) -> (mIoU, mAcc) over
    the classes the truth or the labels contain."""
    inter = conf.diag()
    union = conf.sum(0) + conf.sum(1) - inter
    present = union > 0
    iou = inter[present] / union[present]
    rows = conf.sum(1)
    acc = inter[rows > 0] / rows[rows > 0]
    return float(iou.mean()), float(acc.mean())


def main(argv=None):
    args = parse_args(argv)
    import torch
    from mmengine.config import Config
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import init_default_scope

    from bimem_mm.compat.checkpoint import safe_load
    from bimem_mm.core import memory_weights
    from bimem_mm.registry import DATASETS, MODELS
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.default_scope)
    import bimem_mm.seg  # noqa: F401
    ds_cfg = cfg.train_dataloader.dataset
    ds_cfg.with_label = True       # analysis: the truth of the pixels
    store = [t for t in ds_cfg.pipeline if 'store' in t][0]
    ds_cfg.pipeline = [store, dict(type='bimem_mm.PackSegBlackBox')]
    model = MODELS.build(dict(cfg.model, analysis_key='gt_sem_seg'))
    ckpt = safe_load(args.checkpoint, map_location='cpu')
    model.load_state_dict(ckpt.get('state_dict', ckpt), strict=False)
    model.eval()
    ds = DATASETS.build(ds_cfg)
    temps = [float(t) for t in args.temperatures.split(',')]
    protos = model.refiner.long_term.prototypes
    tot = {t: torch.zeros(6) for t in temps}
    n_cls = protos.shape[0]
    conf = {t: torch.zeros(n_cls, n_cls) for t in temps + ['bb']}
    bb_right = n_all = 0

    def confusion(truth, labels):
        return torch.bincount(truth * n_cls + labels,
                              minlength=n_cls * n_cls).view(
                                  n_cls, n_cls).float()

    with torch.no_grad():
        for b in range(args.batches):
            idx = range(b * args.batch_size, (b + 1) * args.batch_size)
            data = model.data_preprocessor(
                pseudo_collate([ds[i] for i in idx if i < len(ds)]), False)
            units = model.units(model.teacher, data['inputs'],
                                data['data_samples'])
            bb = model.black_box(data['data_samples'], units)
            truth = model.analysis_labels(data['data_samples'], units)
            keep = units.valid & (truth != model.ignore_index)
            bb_lab, truth = bb.argmax(1)[keep], truth[keep]
            bb_right += int((bb_lab == truth).sum())
            n_all += int(keep.sum())
            conf['bb'] += confusion(truth, bb_lab)
            for t in temps:
                w = memory_weights(units.features[keep], protos, t)
                cal = (w * bb[keep]).argmax(1)
                changed = cal != bb_lab
                conf[t] += confusion(truth, cal)
                tot[t] += torch.tensor([
                    float((cal == truth).sum()), float(changed.sum()),
                    float((changed & (cal == truth)).sum()),
                    float((changed & (bb_lab == truth)).sum()),
                    float((changed & (cal == 0)).sum()),
                    float((changed & (bb_lab == 0)).sum())])
    bb_miou, bb_macc = label_scores(conf['bb'])
    print(f'pixels {n_all}; black box pixel accuracy {bb_right / n_all:.4f}'
          f', label mIoU {bb_miou:.4f}, label mAcc {bb_macc:.4f}')
    print('| T | calibrated acc | changed | changes right | changes that '
          'broke a right label | changes into bg | changes out of bg | '
          'label mIoU | label mAcc |')
    print('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    for t in temps:
        acc, ch, good, bad, to_bg, from_bg = tot[t].tolist()
        miou, macc = label_scores(conf[t])
        print(f'| {t:g} | {acc / n_all:.4f} | {ch / n_all:.4f} | '
              f'{good / max(ch, 1):.3f} | {bad / max(ch, 1):.3f} | '
              f'{to_bg / max(ch, 1):.3f} | {from_bg / max(ch, 1):.3f} | '
              f'{miou:.4f} | {macc:.4f} |')


if __name__ == '__main__':
    main()
