"""Digit scenes: deterministic, labels = ink of the digits placed."""
import numpy as np
import pytest
from seg_helpers import make_npz

from bimem_mm.seg import DigitSceneSegDataset
from bimem_mm.seg.scenes import (
    compose_scenes,
    scenes_from_npz,
    write_scenes_npz,
)


def test_compose_is_deterministic_and_labels_the_ink():
    rng = np.random.default_rng(0)
    digits = (rng.random((20, 16, 16)) > 0.6).astype(np.uint8) * 255
    labels = np.arange(20) % 10
    a = compose_scenes(digits, labels, None, 12, canvas=48,
                       digit_size=(12, 16), seed=3)
    b = compose_scenes(digits, labels, None, 12, canvas=48,
                       digit_size=(12, 16), seed=3)
    c = compose_scenes(digits, labels, None, 12, canvas=48,
                       digit_size=(12, 16), seed=4)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.array_equal(a[0], c[0])
    images, maps = a
    assert images.shape == maps.shape == (12, 48, 48)
    assert ((maps > 0) == (images > 127)).all()      # ink = labelled
    assert maps.max() <= 10
    for m in maps:                                   # 2-5 digits (or fewer
        assert 1 <= len(np.unique(m)) - 1 <= 5      # when classes repeat)


def test_masks_from_the_file(tmp_path):
    x = np.full((10, 16, 16), 200, np.uint8)         # all "ink"
    m = np.zeros((10, 16, 16), bool)
    m[:, 4:12, 4:12] = True                          # the file's mask wins
    path = tmp_path / 'm.npz'
    np.savez(path, x_train=x, y_train=np.arange(10), m_x_train=m)
    images, maps = scenes_from_npz(str(path), num_scenes=4, canvas=32,
                                   digit_size=(16, 16), per_scene=(1, 1))
    assert ((maps > 0).sum((1, 2)) == 64).all()      # 8x8 mask per digit
    assert ((images > 0).sum((1, 2)) == 256).all()


def test_dataset_items_and_npz_writer(tmp_path):
    npz = make_npz(tmp_path / 'd.npz')
    ds = DigitSceneSegDataset(npz, num_scenes=5, canvas=32, digit_size=(8, 12),
                            seed=7, with_label=True)
    info = ds.get_data_info(2)
    assert info['img'].shape == (32, 32, 1) and info['bb_key'] == \
        'x_train/7/000002'
    assert info['gt_seg_map'].shape == (32, 32)
    assert info['seg_fields'] == ['gt_seg_map']
    blind = DigitSceneSegDataset(npz, num_scenes=5, canvas=32,
                               digit_size=(8, 12), seed=7, with_label=False)
    assert 'gt_seg_map' not in blind.get_data_info(2)
    np.testing.assert_array_equal(blind.get_data_info(2)['img'], info['img'])
    assert ds.metainfo['classes'][0] == 'background'
    out = write_scenes_npz(str(tmp_path / 'scenes.npz'),
                           *scenes_from_npz(npz, num_scenes=3, canvas=32,
                                            digit_size=(8, 12)))
    with np.load(out) as f:
        assert f['x'].shape == f['y'].shape == (3, 32, 32)
    with pytest.raises(ValueError, match='no array'):
        scenes_from_npz(npz, images='nope')
