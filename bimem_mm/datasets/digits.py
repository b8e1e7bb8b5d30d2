"""MMEngine dataset over digit images stored in ``.npz`` files."""
import os
import os.path as osp

import numpy as np
from mmengine.dataset import BaseDataset

from bimem_mm.registry import DATASETS

from .digits_data import load_digits_npz, prepare_digits, prepare_masks, to_gray


@DATASETS.register_module()
class DigitsNpzDataset(BaseDataset):
    """Digit images from a .npz file (see ``digits_data.load_digits_npz``).

    Each item holds ``img`` (uint8 HWC, ``size`` x ``size`` x 1, or x 3 with
    ``rgb=True``), ``img_shape``, ``ori_shape``, ``bb_key``
    (``'<images>/<index:06d>'``, the key of the black-box prediction store),
    ``sample_idx``, ``mask`` (bool, if the file has ``m_<images>``) and, only
    with ``with_label=True``, ``label_key`` (default ``gt_label``).

    Black-box discipline: build every *training* set with ``with_label=False``
    so that target labels never reach training; labels are for evaluation.

    Args:
        npz_file (str): the file; relative paths are taken from the current
            directory (or from ``data_root`` if given).
        images / labels (str): array names in the file.
        size (int): output side length. crop (int, optional): central crop
            applied before resizing (20 for MNIST's 28x28 framing).
        with_label (bool): attach labels. rgb (bool): 3-channel output.
        label_key (str): key of the label in each item.
        num_classes (int, optional): C classes named '0'..'C-1' (default:
            the ten digits), e.g. 31 for an Office-31-like pair.
        **kwargs: passed to ``BaseDataset`` (``pipeline``, ``lazy_init``,
            ``serialize_data``, ``test_mode``, ``metainfo``, ``indices``...).
    """

    METAINFO = dict(classes=tuple(str(i) for i in range(10)))

    def __init__(self, npz_file, images='x_train', labels='y_train', size=16,
                 crop=None, with_label=True, rgb=False, label_key='gt_label',
                 num_classes=None, **kwargs):
        data_root = kwargs.pop('data_root', '') or ''
        npz_file = os.fspath(npz_file)
        if data_root and not osp.isabs(npz_file):
            npz_file = osp.join(data_root, npz_file)
        self.npz_file = osp.abspath(npz_file)
        self.images = images
        self.labels = labels
        self.size = int(size)
        self.crop = None if crop is None else int(crop)
        self.with_label = bool(with_label)
        self.rgb = bool(rgb)
        self.label_key = label_key
        if self.size <= 0:
            raise ValueError(f'size must be positive, got {size}')
        if num_classes is not None:
            if int(num_classes) < 1:
                raise ValueError(f'{self.npz_file}: num_classes must be '
                                 f'positive, got {num_classes}')
            kwargs['metainfo'] = dict(
                kwargs.get('metainfo') or {},
                classes=tuple(str(i) for i in range(int(num_classes))))
        super().__init__(data_root=data_root, **kwargs)

    def _check_labels(self, y):
        """Labels must index the dataset's classes (0 <= y < C)."""
        c = len(self.metainfo['classes'])
        bad = np.flatnonzero((y < 0) | (y >= c))
        if bad.size:
            raise ValueError(
                f'{self.npz_file}: array {self.labels!r} has label '
                f'{int(y[bad[0]])} at index {int(bad[0])} ({bad.size} labels '
                f'in all) outside [0, {c}) for the {c} classes')

    def load_data_list(self):
        x, y, m = load_digits_npz(
            self.npz_file, self.images,
            self.labels if self.with_label else None)
        if y is not None:
            self._check_labels(y)
        x = prepare_digits(x, self.size, self.crop)
        if x.ndim == 3:
            x = np.repeat(x[..., None], 3, -1) if self.rgb else x[..., None]
        elif not self.rgb:
            x = to_gray(x)[..., None]
        if m is not None:
            m = prepare_masks(m, self.size, self.crop)
        shape = (self.size, self.size)
        data_list = []
        for i in range(len(x)):
            info = dict(img=x[i], img_shape=shape, ori_shape=shape,
                        bb_key=f'{self.images}/{i:06d}', sample_idx=i)
            if self.with_label:
                info[self.label_key] = int(y[i])
            if m is not None:
                info['mask'] = m[i]
            data_list.append(info)
        return data_list
