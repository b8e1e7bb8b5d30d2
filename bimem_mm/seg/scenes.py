"""Digit scenes: the CPU-size segmentation benchmark.

A scene is a ``canvas`` x ``canvas`` uint8 image on which 2-5 digits from a
digit ``.npz`` (see :mod:`bimem_mm.datasets.digits_data`) are placed without
overlap, with a per-pixel label map: 0 = background, ``1 + d`` for the ink
of digit ``d``. A digit's ink is its file mask ``m_<images>`` when present,
else pixels > 127 after resizing. Scenes are a deterministic function of the
digit file, the split and the seed, so the training set, the black box's
store and the evaluation all see the same scenes without a scene file (one
can still be written with :func:`write_scenes_npz` /
``python -m bimem_mm.seg.scenes``).
"""
import argparse
import os
import os.path as osp
import tempfile
from typing import Optional, Tuple

import numpy as np
from mmengine.dataset import BaseDataset

from ..datasets import digit_scenes
from ..datasets.digit_scenes import load_scene_digits
from ..registry import DATASETS

CLASSES = ('background',) + tuple(f'digit_{i}' for i in range(10))
PALETTE = [[0, 0, 0]] + [[int(v) for v in c] for c in (np.array(
    [[230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200],
     [245, 130, 48], [145, 30, 180], [70, 240, 240], [240, 50, 230],
     [210, 245, 60], [250, 190, 190]]))]


def compose_scenes(digits: np.ndarray, labels: np.ndarray,
                   masks: Optional[np.ndarray], num_scenes: int,
                   canvas: int = 64, digit_size: Tuple[int, int] = (18, 26),
                   per_scene: Tuple[int, int] = (2, 5), seed: int = 0,
                   tries: int = 20) -> Tuple[np.ndarray, np.ndarray]:
    """Place digits on empty canvases
    (:class:`~bimem_mm.datasets.digit_scenes.LabelMapPlacement`).

    Args:
        digits: (N, h, w) uint8 digit images (ink bright, background 0).
        labels: (N,) int digit classes 0-9.
        masks: (N, h, w) bool ink masks, or None (then ink = pixel > 127
            after resizing).
        num_scenes: number of scenes S.
        canvas: side of the square canvas.
        digit_size: (min, max) side a digit is resized to (uniform).
        per_scene: (min, max) digits per scene (inclusive).
        seed: the scenes are a function of the inputs and this seed.
        tries: placements tried per digit before it is dropped (a scene
            keeps at least one digit).

    Returns:
        images (S, canvas, canvas) uint8, label maps (S, canvas, canvas)
        uint8 (0 background, 1 + digit).
    """
    return digit_scenes.compose_scenes(
        digits, num_scenes, digit_scenes.LabelMapPlacement(labels, masks),
        canvas, per_scene, digit_size, seed, tries)


def scenes_from_npz(npz_file: str, images: str = 'x_train',
                    labels: str = 'y_train', crop: Optional[int] = None,
                    num_scenes: int = 1000, seed: int = 0,
                    **kwargs) -> Tuple[np.ndarray, np.ndarray]:
    """Load digits (gray; ``crop``: central crop, 20 for MNIST) and compose
    scenes; ``kwargs`` go to :func:`compose_scenes`."""
    x, y, m = load_scene_digits(npz_file, images, labels, crop)
    try:
        return compose_scenes(x, y, m, num_scenes, seed=seed, **kwargs)
    except ValueError as err:
        raise ValueError(f'{npz_file}: array {images!r}: {err}') from err


def write_scenes_npz(path: str, images: np.ndarray, maps: np.ndarray) -> str:
    """Write ``x`` (S, H, W) and ``y`` (label maps) atomically."""
    path = osp.abspath(path)
    os.makedirs(osp.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=osp.dirname(path), suffix='.tmp.npz')
    try:
        with os.fdopen(fd, 'wb') as f:
            np.savez_compressed(f, x=images, y=maps)
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise
    return path


@DATASETS.register_module()
class DigitSceneSegDataset(BaseDataset):
    """Digit scenes composed from a digit ``.npz`` (mmseg-style samples).

    Each item holds ``img`` (canvas x canvas x 1 uint8, or x 3 with
    ``rgb=True``), ``img_shape``, ``ori_shape``, ``seg_fields``, ``bb_key``
    (``'<images>/<seed>/<index:06d>'``, the prediction-store key),
    ``reduce_zero_label`` and, only with ``with_label=True``,
    ``gt_seg_map`` (canvas x canvas uint8, 0 = background).

    Black-box discipline: build every *training* set with
    ``with_label=False``; labels are for evaluation (and the oracle).

    Args:
        npz_file: digit file; relative to ``data_root`` if given.
        images / labels: array names. crop: central crop of each digit
            before placing (20 for MNIST's 28x28 framing).
        num_scenes: scenes in the set. seed: the scene seed (use different
            seeds for different splits of the same file).
        canvas, digit_size, per_scene: see :func:`compose_scenes`.
        **kwargs: ``BaseDataset`` arguments (``pipeline``...).
    """

    METAINFO = dict(classes=CLASSES, palette=PALETTE)

    def __init__(self, npz_file: str, images: str = 'x_train',
                 labels: str = 'y_train', crop: Optional[int] = None,
                 num_scenes: int = 1000, seed: int = 0, canvas: int = 64,
                 digit_size=(18, 26), per_scene=(2, 5),
                 with_label: bool = True, rgb: bool = False, **kwargs):
        data_root = kwargs.pop('data_root', '') or ''
        npz_file = os.fspath(npz_file)
        if data_root and not osp.isabs(npz_file):
            npz_file = osp.join(data_root, npz_file)
        self.npz_file = osp.abspath(npz_file)
        self.images, self.labels, self.crop = images, labels, crop
        self.compose = dict(num_scenes=int(num_scenes), seed=int(seed),
                            canvas=int(canvas), digit_size=tuple(digit_size),
                            per_scene=tuple(per_scene))
        self.with_label, self.rgb = bool(with_label), bool(rgb)
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self):
        x, y = scenes_from_npz(self.npz_file, self.images, self.labels,
                               self.crop, **self.compose)
        x = np.repeat(x[..., None], 3 if self.rgb else 1, -1)
        shape = x.shape[1:3]
        seed = self.compose['seed']
        data_list = []
        for i in range(len(x)):
            info = dict(img=x[i], img_shape=shape, ori_shape=shape,
                        bb_key=f'{self.images}/{seed}/{i:06d}',
                        sample_idx=i, seg_fields=[], reduce_zero_label=False)
            if self.with_label:
                info['gt_seg_map'] = y[i]
                info['seg_fields'] = ['gt_seg_map']
            data_list.append(info)
        return data_list


def main(argv=None):
    parser = argparse.ArgumentParser(
        description='Compose digit scenes from a digit .npz and write them '
        '(x: images, y: label maps) to an .npz')
    parser.add_argument('digits', help='digit .npz (x_train/y_train...)')
    parser.add_argument('--out', required=True)
    parser.add_argument('--images', default='x_train')
    parser.add_argument('--labels', default='y_train')
    parser.add_argument('--crop', type=int, default=None)
    parser.add_argument('--num-scenes', type=int, default=1000)
    parser.add_argument('--canvas', type=int, default=64)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)
    x, y = scenes_from_npz(args.digits, args.images, args.labels, args.crop,
                           args.num_scenes, args.seed, canvas=args.canvas)
    print(write_scenes_npz(args.out, x, y))


if __name__ == '__main__':
    main()
