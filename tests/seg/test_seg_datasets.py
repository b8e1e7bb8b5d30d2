"""Label mappings of GTA5, SYNTHIA and Cityscapes on tiny fixtures."""
import cv2
import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from mmseg.datasets import CityscapesDataset
from mmseg.datasets.transforms import LoadAnnotations
from PIL import Image

import bimem_mm.seg  # noqa: F401
from bimem_mm.seg import GTA5Dataset, LoadMappedSegLabels, SynthiaDataset
from bimem_mm.seg.datasets import (
    CITYSCAPES_CLASSES,
    SYNTHIA_13_CLASSES,
    SYNTHIA_16_CLASSES,
)
from bimem_mm.seg.metrics import SubsetIoUMetric

# raw id -> expected train id (Cityscapes' 19 classes); 255 = ignored
GTA5_CASES = {7: 0, 8: 1, 11: 2, 26: 13, 27: 14, 31: 16, 33: 18, 0: 255,
              3: 255, 6: 255, 22: 9, 34: 255, 255: 255}
# SYNTHIA raw id -> index among the 16 classes
SYNTHIA_CASES = {3: 0, 4: 1, 2: 2, 21: 3, 5: 4, 7: 5, 15: 6, 9: 7, 6: 8,
                 1: 9, 10: 10, 17: 11, 8: 12, 19: 13, 12: 14, 11: 15, 0: 255,
                 13: 255, 14: 255, 16: 255, 18: 255, 22: 255, 300: 255}


def _row(cases):
    return np.array(list(cases), np.int64)[None]


def _expected(cases):
    return np.array(list(cases.values()), np.uint8)[None]


def _image(path, shape):
    cv2.imwrite(str(path), np.zeros(shape + (3, ), np.uint8))


@pytest.fixture(autouse=True)
def scope():
    init_default_scope('mmseg')


@pytest.fixture
def gta5(tmp_path):
    (tmp_path / 'images').mkdir()
    (tmp_path / 'labels').mkdir()
    _image(tmp_path / 'images' / '00001.png', (1, len(GTA5_CASES)))
    label = Image.fromarray(_row(GTA5_CASES).astype(np.uint8), mode='P')
    label.putpalette([v for i in range(256) for v in (i, 255 - i, 0)])
    label.save(tmp_path / 'labels' / '00001.png')   # a palette PNG as GTA5
    return tmp_path


def _load(dataset, loader):
    info = dataset.get_data_info(0)
    return loader.transform(dict(info, seg_fields=[]))['gt_seg_map']


def test_gta5_ids_map_to_cityscapes_train_ids(gta5):
    ds = GTA5Dataset(data_root=str(gta5), data_prefix=dict(
        img_path='images', seg_map_path='labels'))
    assert len(ds) == 1 and ds.metainfo['classes'] == CITYSCAPES_CLASSES
    assert len(ds.metainfo['palette']) == 19
    fast = _load(ds, LoadMappedSegLabels())
    np.testing.assert_array_equal(fast, _expected(GTA5_CASES))
    # mmseg's own loader applies the same (complete) map
    np.testing.assert_array_equal(
        _load(ds, LoadAnnotations()).reshape(fast.shape), fast)


def test_gta5_to_a_class_subset(gta5):
    ds = GTA5Dataset(data_root=str(gta5), metainfo=dict(
        classes=SYNTHIA_16_CLASSES), data_prefix=dict(
        img_path='images', seg_map_path='labels'))
    seg = _load(ds, LoadMappedSegLabels())[0]
    by_id = dict(zip(GTA5_CASES, seg.tolist()))
    assert by_id[26] == SYNTHIA_16_CLASSES.index('car')
    assert by_id[22] == 255 and by_id[27] == 255   # terrain, truck: absent
    with pytest.raises(ValueError, match='no label'):
        GTA5Dataset(data_root=str(gta5), metainfo=dict(classes=['nope']),
                    data_prefix=dict(img_path='images',
                                     seg_map_path='labels'))


@pytest.fixture
def synthia(tmp_path):
    (tmp_path / 'RGB').mkdir()
    (tmp_path / 'GT' / 'LABELS').mkdir(parents=True)
    _image(tmp_path / 'RGB' / '0000000.png', (1, len(SYNTHIA_CASES)))
    label = np.zeros((1, len(SYNTHIA_CASES), 3), np.uint16)
    label[..., 2] = _row(SYNTHIA_CASES)      # red channel (cv2: BGR)
    label[..., 0] = 7                        # instance ids elsewhere
    cv2.imwrite(str(tmp_path / 'GT' / 'LABELS' / '0000000.png'), label)
    return tmp_path


def _synthia(root, **kwargs):
    return SynthiaDataset(data_root=str(root), data_prefix=dict(
        img_path='RGB', seg_map_path='GT/LABELS'), **kwargs)


def test_synthia_16_classes(synthia):
    ds = _synthia(synthia)
    assert ds.metainfo['classes'] == SYNTHIA_16_CLASSES
    seg = _load(ds, LoadMappedSegLabels(imdecode_backend='cv2', channel=2))
    np.testing.assert_array_equal(seg, _expected(SYNTHIA_CASES))
    with pytest.raises(ValueError, match='set channel='):
        _load(ds, LoadMappedSegLabels(imdecode_backend='cv2'))


def test_synthia_13_class_protocol(synthia):
    ds = _synthia(synthia, metainfo=dict(classes=SYNTHIA_13_CLASSES))
    seg = _load(ds, LoadMappedSegLabels(imdecode_backend='cv2', channel=2))
    by_id = dict(zip(SYNTHIA_CASES, seg[0].tolist()))
    for dropped in (21, 5, 7):           # wall, fence, pole
        assert by_id[dropped] == 255
    assert by_id[3] == 0 and by_id[1] == SYNTHIA_13_CLASSES.index('sky')
    assert by_id[11] == 12               # bicycle: the 13th class
    assert len(ds.metainfo['palette']) == 13


def test_cityscapes_subset_by_name(tmp_path):
    city = tmp_path / 'leftImg8bit' / 'val' / 'x'
    gt = tmp_path / 'gtFine' / 'val' / 'x'
    city.mkdir(parents=True)
    gt.mkdir(parents=True)
    _image(city / 'x_000000_000000_leftImg8bit.png', (1, 20))
    train_ids = np.array([list(range(19)) + [255]], np.uint8)
    Image.fromarray(train_ids).save(
        gt / 'x_000000_000000_gtFine_labelTrainIds.png')
    ds = CityscapesDataset(data_root=str(tmp_path), metainfo=dict(
        classes=SYNTHIA_16_CLASSES), data_prefix=dict(
        img_path='leftImg8bit/val', seg_map_path='gtFine/val'))
    seg = _load(ds, LoadMappedSegLabels())[0]
    for tid, name in enumerate(CITYSCAPES_CLASSES):
        want = SYNTHIA_16_CLASSES.index(name) \
            if name in SYNTHIA_16_CLASSES else 255
        assert seg[tid] == want, name
    assert seg[19] == 255


def test_missing_or_optional_label_file(tmp_path):
    loader = LoadMappedSegLabels()
    with pytest.raises(ValueError, match='nope.png'):
        loader.transform(dict(seg_map_path=str(tmp_path / 'nope.png'),
                              seg_fields=[], reduce_zero_label=False))
    out = LoadMappedSegLabels(optional=True).transform(dict(seg_fields=[]))
    assert 'gt_seg_map' not in out


def test_subset_miou_metric():
    metric = SubsetIoUMetric(subsets=dict(mIoU2=['b', 'c']))
    metric.dataset_meta = dict(classes=['a', 'b', 'c'])
    area = torch.tensor([1., 2., 3.])
    results = [(area, 2 * area, area, area)]          # IoU 0.5 everywhere
    results.append((torch.tensor([1., 0., 3.]), torch.tensor([1., 4., 3.]),
                    area, area))
    out = metric.compute_metrics(results)
    # b: 2 / 8, c: 6 / 9
    assert out['mIoU2'] == pytest.approx(round((2 / 8 + 6 / 9) / 2 * 100, 2))
    assert 'mIoU' in out
