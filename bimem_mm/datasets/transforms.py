"""Transforms that attach each image's stored black-box prediction."""
import os.path as osp
from typing import Optional

import numpy as np
from mmcv.transforms import BaseTransform

from ..registry import TRANSFORMS
from ..store import PredictionStore, PredictionStoreError


def sample_key(results: dict, key_root: Optional[str] = None) -> str:
    """The store key of a sample: ``bb_key`` if the dataset sets one, else
    its ``img_path`` relative to ``key_root`` (default: the file name),
    without extension. ``tools/predict_blackbox.py`` uses the same key."""
    if results.get('bb_key') is not None:
        return str(results['bb_key'])
    path = results.get('img_path')
    if path is None:
        raise KeyError('sample has neither bb_key nor img_path: cannot find '
                       'its black-box prediction')
    rel = osp.relpath(path, key_root) if key_root else osp.basename(path)
    return osp.splitext(rel)[0]


@TRANSFORMS.register_module()
class LoadBlackBoxPrediction(BaseTransform):
    """Add ``bb_probs`` (full distribution, class axis last) to a sample.

    The store is validated once when the transform is built (a bad store
    stops the run with a message naming the file and image); workers then
    open it lazily.

    Args:
        store: directory of a prediction store (``tools/predict_blackbox.py``).
        key_root: see :func:`sample_key`.
        num_classes: expected class count (checked against the store).
        validate: check every record at build time.
    """

    def __init__(self, store: str, key_root: Optional[str] = None,
                 num_classes: Optional[int] = None, validate: bool = True):
        self.store_dir, self.key_root = store, key_root
        checked = PredictionStore(store, validate=validate)
        if num_classes is not None:
            checked.check_num_classes(num_classes)
        self.num_classes = checked.num_classes
        self._store = None

    @property
    def store(self) -> PredictionStore:
        if self._store is None:
            self._store = PredictionStore(self.store_dir, validate=False)
        return self._store

    def transform(self, results: dict) -> dict:
        key = sample_key(results, self.key_root)
        if key not in self.store:
            raise PredictionStoreError(
                f'{self.store_dir}: no prediction for image {key}')
        results['bb_probs'] = self.store.probs(key).astype(np.float32)
        return results

    def __repr__(self):
        return f'{self.__class__.__name__}(store={self.store_dir!r})'
