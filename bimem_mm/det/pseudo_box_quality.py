"""How good a detection black box's boxes are as pseudo labels (diagnosis).

Compares a ``det`` prediction store with the true boxes of the digit scenes
it was made on, per black-box score threshold: how many boxes per image
survive, their precision (IoU >= 0.5 with a true box of the same class) and
recall, and the class accuracy of the localised ones. It reads target
*training* labels: a development tool for choosing options on dev pairs,
never part of adaptation.

    python -m bimem_mm.det.pseudo_box_quality STORE TARGET.npz [--crop 20]
"""
import argparse
from typing import Dict, Sequence

import numpy as np

from ..store import PredictionStore


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(A, 4), (B, 4) x1y1x2y2 -> (A, B) IoU."""
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.clip(rb - lt, 0, None).prod(-1)
    area = lambda x: (x[:, 2:] - x[:, :2]).prod(-1)  # noqa: E731
    return inter / (area(a)[:, None] + area(b)[None] - inter + 1e-9)


def quality(records: Sequence[dict], truths: Sequence[tuple],
            thresholds: Sequence[float]) -> Dict[float, dict]:
    """Pseudo-box statistics per score threshold.

    Args:
        records: per image ``dict(bboxes=(B, 4), scores=(B,), probs=(B, C))``.
        truths: per image (boxes (G, 4), labels (G,)).
        thresholds: black-box score thresholds.

    Returns:
        {thr: dict(per_image, precision, recall, loc_precision, class_acc)}:
        ``precision`` counts a box right when it overlaps (IoU >= 0.5) an
        unclaimed true box of its argmax class, ``loc_precision`` any
        unclaimed true box, ``class_acc`` = precision / loc_precision.
    """
    out = {}
    n_gt = sum(len(t[1]) for t in truths)
    for thr in thresholds:
        kept = right = located = 0
        for rec, (gt_boxes, gt_labels) in zip(records, truths):
            sel = rec['scores'] >= thr
            boxes, labels = rec['bboxes'][sel], rec['probs'][sel].argmax(1)
            order = np.argsort(-rec['scores'][sel])
            kept += len(boxes)
            if not len(boxes) or not len(gt_boxes):
                continue
            iou = box_iou(boxes[order], gt_boxes)
            free = np.ones(len(gt_boxes), bool)
            for i, j in enumerate(order):        # greedy by score, per image
                cand = np.where(free & (iou[i] >= 0.5))[0]
                if len(cand):
                    g = cand[iou[i, cand].argmax()]
                    free[g] = False
                    located += 1
                    right += int(labels[j] == gt_labels[g])
        out[thr] = dict(per_image=kept / len(records),
                        precision=right / max(kept, 1),
                        recall=right / max(n_gt, 1),
                        loc_precision=located / max(kept, 1),
                        class_acc=right / max(located, 1))
    return out


def main(argv=None):
    from .scenes import load_scenes
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('store')
    parser.add_argument('target_npz')
    parser.add_argument('--crop', type=int, default=None,
                        help='central crop of the digits (20 for MNIST)')
    parser.add_argument('--num-scenes', type=int, default=1000)
    parser.add_argument('--seed', type=int, default=0,
                        help='layout seed of the scenes (the config\'s)')
    parser.add_argument('--thresholds', default='0.05,0.3,0.5,0.7,0.9')
    args = parser.parse_args(argv)
    scenes, classes = load_scenes(args.target_npz, num_scenes=args.num_scenes,
                                  crop=args.crop, seed=args.seed)
    store = PredictionStore(args.store)
    records = [store.record(f'scenes/x_train/{i:06d}')
               for i in range(len(scenes.images))]
    for r, key in zip(records, range(len(records))):
        r['probs'] = store.probs(f'scenes/x_train/{key:06d}')
    truths = list(zip(scenes.boxes, classes))
    thrs = [float(t) for t in args.thresholds.split(',')]
    print('thr  boxes/img  precision  recall  loc_prec  class_acc')
    for thr, q in quality(records, truths, thrs).items():
        print(f"{thr:.2f}  {q['per_image']:.2f}  {q['precision']:.3f}  "
              f"{q['recall']:.3f}  {q['loc_precision']:.3f}  "
              f"{q['class_acc']:.3f}")


if __name__ == '__main__':
    main()
