"""How much of a detection mAP is the test set's sampling: mAP@0.5 over
disjoint chunks of one large set of test scenes.

Dump each model's predictions on the same (large) test set with
``tools/test.py CONFIG CKPT --out PRED.pkl --cfg-options
test_dataloader.dataset.num_scenes=3000 ...``, then::

    python -m bimem_mm.det.map_spread A.pkl B.pkl --chunk 300

prints, per file, the mAP on the whole set and mean ± sample std over the
chunks of ``--chunk`` scenes (the spread a ``chunk``-scene test set alone
gives a fixed model), and for every file after the first the per-chunk
difference to the first (the evaluation noise of a paired comparison).
The mAP is mmdet's VOC one (area mode, legacy coordinates), as
``VOCMetric(eval_mode='area', iou_thrs=0.5)`` computes it in the tests.
"""
import argparse
import pickle
import statistics
import sys
from typing import List, Sequence, Tuple

import numpy as np


def read_predictions(path: str, num_classes: int) -> Tuple[list, list]:
    """(annotations, detections) of a ``tools/test.py --out`` pickle, in
    the form ``mmdet.evaluation.eval_map`` takes (one entry per scene)."""
    try:
        with open(path, 'rb') as f:
            samples = pickle.load(f)
        gts, dets = [], []
        for s in samples:
            gt, ign, pred = (s['gt_instances'], s['ignored_instances'],
                             s['pred_instances'])
            gts.append(dict(labels=gt['labels'].numpy(),
                            bboxes=gt['bboxes'].numpy(),
                            bboxes_ignore=ign['bboxes'].numpy(),
                            labels_ignore=ign['labels'].numpy()))
            boxes = np.hstack([pred['bboxes'].numpy(),
                               pred['scores'].numpy()[:, None]])
            labels = pred['labels'].numpy()
            dets.append([boxes[labels == c] for c in range(num_classes)])
    except (OSError, pickle.UnpicklingError, KeyError, TypeError,
            AttributeError) as e:
        raise SystemExit(f'{path}: not a tools/test.py --out pickle of a '
                         f'detector with ground truth ({e!r})')
    return gts, dets


def chunk_maps(gts: list, dets: list, chunk: int) -> List[float]:
    """mAP@0.5 (percent) of each run of ``chunk`` consecutive scenes (a
    last, shorter run is dropped)."""
    from mmdet.evaluation.functional import eval_map
    maps = []
    for start in range(0, len(gts) - chunk + 1, chunk):
        m, _ = eval_map(dets[start:start + chunk], gts[start:start + chunk],
                        iou_thr=0.5, eval_mode='area', logger='silent',
                        use_legacy_coordinate=True)
        maps.append(100.0 * float(m))
    return maps


def _mean_std(xs: Sequence[float]) -> str:
    sd = statistics.stdev(xs) if len(xs) > 1 else float('nan')
    return f'{statistics.mean(xs):.2f} ± {sd:.2f}'


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('predictions', nargs='+',
                        help='tools/test.py --out pickles, same scenes')
    parser.add_argument('--chunk', type=int, default=300,
                        help='scenes per chunk (the test-set size studied)')
    parser.add_argument('--num-classes', type=int, default=10)
    args = parser.parse_args(argv)
    rows = []
    for path in args.predictions:
        gts, dets = read_predictions(path, args.num_classes)
        if len(gts) < 2 * args.chunk:
            raise SystemExit(f'{path}: {len(gts)} scenes, fewer than two '
                             f'chunks of {args.chunk}')
        if rows and len(gts) != rows[0][1]:
            raise SystemExit(f'{path}: {len(gts)} scenes, but '
                             f'{args.predictions[0]} has {rows[0][1]}')
        whole = chunk_maps(gts, dets, len(gts))[0]
        maps = chunk_maps(gts, dets, args.chunk)
        rows.append((path, len(gts), whole, maps))
        print(f'{path}: {len(gts)} scenes mAP50 {whole:.2f}; '
              f'{len(maps)} chunks of {args.chunk}: {_mean_std(maps)} '
              f'(min {min(maps):.2f}, max {max(maps):.2f})')
    for path, _, whole, maps in rows[1:]:
        diff = [b - a for a, b in zip(rows[0][3], maps)]
        print(f'{path} - {rows[0][0]}: whole {whole - rows[0][2]:+.2f}; '
              f'per chunk {_mean_std(diff)}')


if __name__ == '__main__':
    sys.exit(main())
