"""Synthetic source datasets mapped to the Cityscapes classes.

* :class:`GTA5Dataset`: labels are Cityscapes label ids (palette PNGs);
  mapped to the 19 train classes (or any subset named in ``metainfo``).
* :class:`SynthiaDataset` (SYNTHIA-RAND-CITYSCAPES): labels are 16-bit
  PNGs with the class id in the red channel; mapped to the 16 classes
  shared with Cityscapes, or to the 13-class protocol
  (``metainfo=dict(classes=SYNTHIA_13_CLASSES)``).
* Cityscapes is mmseg's ``CityscapesDataset``; for the SYNTHIA protocols
  give it ``metainfo=dict(classes=SYNTHIA_16_CLASSES)`` (or 13): mmseg
  then maps the other train ids to 255 by name.

The label map of a dataset covers every raw id (0-65535: unknown ids become
255). :class:`LoadMappedSegLabels` applies it with one table lookup and can
read the red channel of 16-bit colour PNGs; mmseg's ``LoadAnnotations``
works for GTA5 too (slower: one pass per raw id). Layouts: docs/segmentation.md.
"""
from typing import Dict, Optional, Sequence

import mmcv
import numpy as np
from mmengine import fileio
from mmseg.datasets import BaseSegDataset, CityscapesDataset
from mmseg.datasets.transforms import LoadAnnotations

from ..registry import DATASETS, TRANSFORMS

CITYSCAPES_CLASSES = tuple(CityscapesDataset.METAINFO['classes'])
CITYSCAPES_PALETTE = [list(c) for c in CityscapesDataset.METAINFO['palette']]
SYNTHIA_16_CLASSES = tuple(c for c in CITYSCAPES_CLASSES
                           if c not in ('terrain', 'truck', 'train'))
SYNTHIA_13_CLASSES = tuple(c for c in SYNTHIA_16_CLASSES
                           if c not in ('wall', 'fence', 'pole'))
IGNORE = 255

# Cityscapes label ids (as in GTA5's label PNGs) of the 19 train classes
GTA5_IDS = dict(zip(CITYSCAPES_CLASSES, (7, 8, 11, 12, 13, 17, 19, 20, 21,
                                         22, 23, 24, 25, 26, 27, 28, 31, 32,
                                         33)))
# SYNTHIA-RAND-CITYSCAPES class ids (red channel of GT/LABELS/*.png)
SYNTHIA_IDS = dict(zip(SYNTHIA_16_CLASSES, (3, 4, 2, 21, 5, 7, 15, 9, 6, 1,
                                            10, 17, 8, 19, 12, 11)))


def raw_label_map(raw_ids: Dict[str, int], classes: Sequence[str],
                  where: str) -> Dict[int, int]:
    """{raw id: index in ``classes``} for every raw id 0-255 (others 255)."""
    unknown = [c for c in classes if c not in raw_ids]
    if unknown:
        raise ValueError(f'{where}: classes {unknown} have no label in this '
                         f'dataset (it has {sorted(raw_ids)})')
    label_map = {i: IGNORE for i in range(256)}
    label_map.update({raw_ids[c]: i for i, c in enumerate(classes)})
    return label_map


class _RawIdSegDataset(BaseSegDataset):
    """A dataset whose label files hold raw ids, mapped by class name."""
    RAW_IDS: Dict[str, int] = {}

    @classmethod
    def get_label_map(cls, new_classes: Optional[Sequence] = None):
        classes = cls.METAINFO['classes'] if new_classes is None \
            else new_classes
        return raw_label_map(cls.RAW_IDS, classes, cls.__name__)

    def _update_palette(self) -> list:
        classes = self._metainfo.get('classes')
        by_name = dict(zip(CITYSCAPES_CLASSES, CITYSCAPES_PALETTE))
        return [by_name[c] for c in classes]


@DATASETS.register_module()
class GTA5Dataset(_RawIdSegDataset):
    """GTA5 (``images/00001.png``, ``labels/00001.png``) with labels mapped
    to the Cityscapes train classes (19, or a subset by ``metainfo``)."""
    METAINFO = dict(classes=CITYSCAPES_CLASSES, palette=CITYSCAPES_PALETTE)
    RAW_IDS = GTA5_IDS

    def __init__(self, img_suffix='.png', seg_map_suffix='.png', **kwargs):
        super().__init__(img_suffix=img_suffix,
                         seg_map_suffix=seg_map_suffix, **kwargs)


@DATASETS.register_module()
class SynthiaDataset(_RawIdSegDataset):
    """SYNTHIA-RAND-CITYSCAPES (``RGB/0000000.png``,
    ``GT/LABELS/0000000.png``) mapped to its 16 Cityscapes classes, or to
    the 13-class protocol with ``metainfo=dict(classes=SYNTHIA_13_CLASSES)``.
    Load its labels with ``bimem_mm.LoadMappedSegLabels`` and
    ``imdecode_backend='cv2', channel=2`` (16-bit; red is last in BGR)."""
    METAINFO = dict(classes=SYNTHIA_16_CLASSES,
                    palette=[CITYSCAPES_PALETTE[CITYSCAPES_CLASSES.index(c)]
                             for c in SYNTHIA_16_CLASSES])
    RAW_IDS = SYNTHIA_IDS

    def __init__(self, img_suffix='.png', seg_map_suffix='.png', **kwargs):
        super().__init__(img_suffix=img_suffix,
                         seg_map_suffix=seg_map_suffix, **kwargs)


@TRANSFORMS.register_module()
class LoadMappedSegLabels(LoadAnnotations):
    """``LoadAnnotations`` with a lookup-table label map and channel pick.

    Args:
        channel: for a multi-channel label file, the channel holding the
            class id (in the decoder's order: cv2 gives BGR, so SYNTHIA's
            red channel is 2). None: the file must be single-channel.
        optional: skip samples without ``seg_map_path`` (one test pipeline
            serves evaluation on labelled images and black-box queries on
            unlabelled ones).
        imdecode_backend: 'pillow' (palette PNGs: GTA5, Cityscapes) or
            'cv2' (16-bit PNGs: SYNTHIA).
        **kwargs: ``LoadAnnotations`` arguments.

    Adds ``gt_seg_map`` (H, W) uint8, 255 = ignore.
    """

    def __init__(self, channel: Optional[int] = None, optional: bool = False,
                 **kwargs):
        super().__init__(**kwargs)
        self.channel, self.optional = channel, optional
        self._luts = {}

    def transform(self, results: dict) -> dict:
        if self.optional and not results.get('seg_map_path'):
            return results
        return super().transform(results)

    def _lut(self, label_map) -> np.ndarray:
        """(65536,) uint8 table: raw id -> label (ids >= 255 -> 255)."""
        key = None if label_map is None else tuple(sorted(label_map.items()))
        if key not in self._luts:
            lut = np.minimum(np.arange(65536), IGNORE)
            if label_map is not None:
                lut[np.fromiter(label_map.keys(), np.int64)] = np.fromiter(
                    label_map.values(), np.int64)
            self._luts = {key: lut.astype(np.uint8)}
        return self._luts[key]

    def _load_seg_map(self, results: dict) -> None:
        path = results['seg_map_path']
        try:
            seg = mmcv.imfrombytes(fileio.get(path, self.backend_args),
                                   flag='unchanged',
                                   backend=self.imdecode_backend)
        except Exception as err:  # any reader or decoder failure
            raise ValueError(f'{path}: cannot read the label file '
                             f'({err!r})') from err
        if seg is None:
            raise ValueError(f'{path}: cannot read the label file')
        if seg.ndim == 3:
            if self.channel is None:
                raise ValueError(f'{path}: label file has {seg.shape[2]} '
                                 'channels; set channel= to pick the class')
            seg = seg[..., self.channel]
        if seg.dtype.kind not in 'iu' or seg.min() < 0:
            raise ValueError(f'{path}: labels must be non-negative '
                             f'integers, got {seg.dtype}')
        if results.get('reduce_zero_label'):
            raise ValueError(f'{path}: reduce_zero_label is not supported '
                             'with a raw-id label map')
        seg = self._lut(results.get('label_map'))[seg]
        results['gt_seg_map'] = seg
        results['seg_fields'].append('gt_seg_map')
