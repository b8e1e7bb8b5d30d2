"""Attach each image's black-box boxes (from a det prediction store)."""
import os.path as osp
from typing import Optional

import numpy as np

from ..datasets.transforms import LoadBlackBoxPrediction, sample_key
from ..registry import TRANSFORMS
from ..store import PredictionStoreError

#: the meta keys ``PackDetInputs`` must keep for the BiMem detectors
BLACK_BOX_META_KEYS = ('bb_bboxes', 'bb_scores', 'bb_probs',
                       'homography_matrix')


@TRANSFORMS.register_module()
class LoadBlackBoxBoxes(LoadBlackBoxPrediction):
    """Add the black box's boxes of an image, in ORIGINAL image pixels.

    Adds ``bb_bboxes`` (B, 4) float32 x1, y1, x2, y2, ``bb_scores`` (B,)
    float32 and ``bb_probs`` (B, C) float32 (full distribution). The boxes
    are not moved by the later transforms: the model maps them to the
    network input with the ``homography_matrix`` that mmdet's ``Resize``,
    ``RandomFlip``, ``RandomCrop`` (...) record, as mmdet's semi-supervised
    detectors do. So keep ``BLACK_BOX_META_KEYS`` in ``PackDetInputs``'s
    ``meta_keys``, and use only geometric transforms that record it.

    Args:
        store: directory of a ``det`` prediction store.
        key_root: see :func:`bimem_mm.datasets.sample_key`.
        num_classes: expected class count (checked against the store).
        validate: check every record at build time.
    """

    def __init__(self, store: str, key_root: Optional[str] = None,
                 num_classes: Optional[int] = None, validate: bool = True):
        super().__init__(store, key_root, num_classes, validate)
        if self.store.task != 'det':
            raise PredictionStoreError(
                f'{osp.join(store, "manifest.json")}: store has task '
                f'{self.store.task!r}, LoadBlackBoxBoxes needs a det store')

    def transform(self, results: dict) -> dict:
        key = sample_key(results, self.key_root)
        if key not in self.store:
            raise PredictionStoreError(
                f'{self.store_dir}: no prediction for image {key}')
        rec = self.store.record(key)
        shape = rec.get('img_shape')
        ori = results.get('ori_shape', results['img'].shape[:2])
        if shape is not None and tuple(int(v) for v in shape) != tuple(
                int(v) for v in ori[:2]):
            raise PredictionStoreError(
                f'{self.store_dir}: image {key}: boxes were predicted on an '
                f'image of size {tuple(shape)}, this image is {tuple(ori)}')
        results['bb_bboxes'] = rec['bboxes'].astype(np.float32)
        results['bb_scores'] = rec['scores'].astype(np.float32)
        results['bb_probs'] = self.store.probs(key).astype(np.float32)
        return results
