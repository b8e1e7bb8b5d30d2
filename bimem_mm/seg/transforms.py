"""Move stored black-box maps (and the teacher's view) with the image.

Pipeline (target training set, no labels)::

    LoadImageFromFile                  # or a dataset that gives ``img``
    bimem_mm.LoadBlackBoxSegMap        # top-k maps -> seg fields
    bimem_mm.KeepTeacherView           # optional: official teacher view
    RandomResize / RandomCrop / RandomFlip / PhotoMetricDistortion
    bimem_mm.PackSegBlackBox

The maps are *seg fields*, so mmseg's ``Resize`` (also inside
``RandomResize``), ``RandomCrop`` and ``RandomFlip`` move them with the
image. mmseg resizes every seg field with nearest interpolation: a pixel's
top-k probabilities and class indices stay one consistent pair (bilinear
on indices would mix class ids), and a transformed map equals the map of
the transformed image up to nearest resampling. Smoothing happens later,
when the wrapper averages the expanded distributions over each cell of
the decode head's grid (``bimem_mm.seg.maps.black_box_grid``).
"""
import os.path as osp
from typing import Optional

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform, to_tensor
from mmengine.structures import PixelData
from mmseg.datasets.transforms import PackSegInputs

from ..datasets.transforms import LoadBlackBoxPrediction, sample_key
from ..registry import TRANSFORMS
from ..store import PredictionStoreError

PROBS, INDICES, COORDS = 'bb_topk_probs', 'bb_topk_indices', 'bb_coords'


def _add_field(results: dict, key: str, value: np.ndarray) -> None:
    results[key] = value
    fields = results.setdefault('seg_fields', [])
    if key not in fields:
        fields.append(key)


@TRANSFORMS.register_module()
class LoadBlackBoxSegMap(LoadBlackBoxPrediction):
    """Attach an image's stored per-pixel black-box prediction.

    Adds seg fields ``bb_topk_probs`` (H, W, K) float32 and, unless the
    store holds full distributions, ``bb_topk_indices`` (H, W, K) uint8 /
    int16, resized (nearest) from the stored resolution to the current
    image size. Place it before any crop or flip. A subclass of
    ``LoadBlackBoxPrediction``, so ``PredictionStoreCheckHook`` checks that
    the store covers exactly the training set.

    Args:
        store: prediction-store directory (task ``seg``).
        key_root: see :func:`bimem_mm.datasets.sample_key`.
        num_classes: expected C (checked against the store).
        validate: check every record when the transform is built.
    """

    def __init__(self, store: str, key_root: Optional[str] = None,
                 num_classes: Optional[int] = None, validate: bool = True):
        super().__init__(store, key_root, num_classes, validate)
        if self.store.task != 'seg':
            raise PredictionStoreError(
                f'{osp.join(store, "manifest.json")}: task is '
                f'{self.store.task!r}, expected a seg store')

    def transform(self, results: dict) -> dict:
        key = sample_key(results, self.key_root)
        if key not in self.store:
            raise PredictionStoreError(
                f'{self.store_dir}: no prediction for image {key!r}')
        rec = self.store.record(key)
        h, w = results['img'].shape[:2]
        ori = results.get('ori_shape')
        if ori is not None and tuple(rec['img_shape']) != tuple(ori[:2]):
            raise PredictionStoreError(
                f'{self.store_dir}: image {key!r} was predicted at size '
                f'{tuple(rec["img_shape"])} but the dataset gives '
                f'{tuple(ori[:2])}')
        maps = {PROBS: rec['probs']}
        if 'indices' in rec:
            maps[INDICES] = rec['indices']
        for name, arr in maps.items():
            _add_field(results, name, upsample_map(arr, (h, w)))
        return results


def upsample_map(arr: np.ndarray, hw) -> np.ndarray:
    """A stored (h', w', K) map -> (H, W, K) at the image size, nearest.

    When (h', w') = ceil((H, W) / f) for an integer f (a map stored with
    ``--downscale f``), each stored pixel is repeated over exactly the
    f x f block it was averaged from.
    """
    (h, w), (sh, sw) = hw, arr.shape[:2]
    if (sh, sw) == (h, w):
        return arr.reshape(h, w, -1)
    f = -(-h // sh)
    if f > 1 and -(-h // f) == sh and -(-w // f) == sw:
        return np.repeat(np.repeat(arr, f, 0), f, 1)[:h, :w].reshape(
            h, w, -1)
    return mmcv.imresize(arr, (w, h), interpolation='nearest').reshape(
        h, w, -1)


@TRANSFORMS.register_module()
class KeepTeacherView(BaseTransform):
    """Keep the image as the teacher's view (the official design: the
    teacher sees the full un-augmented image, its maps are cropped and
    flipped into the student's view).

    Adds ``teacher_img`` (a copy of ``img``), ``teacher_shape`` (h, w) and
    the seg field ``bb_coords`` (H, W, 2) float32: each pixel's (x, y)
    pixel-centre coordinate in the teacher image. The geometric transforms
    that follow move ``bb_coords`` with the image, so for every pixel of the
    student's view it says where the teacher saw it.
    """

    def transform(self, results: dict) -> dict:
        img = results['img']
        h, w = img.shape[:2]
        ys, xs = np.meshgrid(np.arange(h, dtype=np.float32) + 0.5,
                             np.arange(w, dtype=np.float32) + 0.5,
                             indexing='ij')
        results['teacher_img'] = img.copy()
        results['teacher_shape'] = (h, w)
        _add_field(results, COORDS, np.stack([xs, ys], -1))
        return results


def _chw(arr: np.ndarray):
    if arr.ndim == 2:  # cv2 drops a single channel when resizing
        arr = arr[..., None]
    return to_tensor(np.ascontiguousarray(arr.transpose(2, 0, 1)))


@TRANSFORMS.register_module()
class PackSegBlackBox(PackSegInputs):
    """``PackSegInputs`` that also packs the black-box maps.

    Adds to the ``SegDataSample``: ``bb_topk`` (``PixelData`` with
    ``probs`` (K, H, W) float32 and ``indices`` (K, H, W) when stored),
    and with :class:`KeepTeacherView`: ``bb_coords`` (``PixelData``
    (2, H, W)), ``teacher_inputs`` (3 or 1, H_t, W_t) uint8 and metainfo
    ``teacher_shape`` and ``teacher_box`` (x1, y1, x2, y2: the student's
    view in teacher-image pixels; with ``flip``/``flip_direction`` and
    ``scale_factor`` it describes the view as the official code's
    parameters do).
    """

    def __init__(self, meta_keys=('img_path', 'seg_map_path', 'ori_shape',
                                  'img_shape', 'pad_shape', 'scale_factor',
                                  'flip', 'flip_direction',
                                  'reduce_zero_label', 'teacher_shape',
                                  'teacher_box')):
        super().__init__(meta_keys=meta_keys)

    def transform(self, results: dict) -> dict:
        if COORDS in results:
            xy = results[COORDS].reshape(-1, 2)
            results['teacher_box'] = tuple(
                float(v) for v in np.concatenate([xy.min(0) - 0.5,
                                                  xy.max(0) + 0.5]))
        packed = super().transform(results)
        sample = packed['data_samples']
        if PROBS in results:
            fields = dict(probs=_chw(results[PROBS]).float())
            if INDICES in results:
                fields['indices'] = _chw(results[INDICES]).long()
            sample.bb_topk = PixelData(**fields)
        if COORDS in results:
            sample.bb_coords = PixelData(data=_chw(results[COORDS]))
        if 'teacher_img' in results:
            sample.teacher_inputs = _chw(results['teacher_img'])
        return packed
