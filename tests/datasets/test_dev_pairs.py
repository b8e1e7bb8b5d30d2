"""The development-pair generator on tiny fake USPS / MNIST files."""
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest

from bimem_mm.datasets.dev_pairs import (
    BASES,
    VARIANTS,
    dev_pair_list,
    make_dev_pairs,
    make_variant,
)
from bimem_mm.datasets.digits_data import load_digits_npz

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _digits(n, side, box, seed):
    """(n, side, side) uint8: a bright bar whose length encodes the label."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n).astype(np.int64)
    x = np.zeros((n, side, side), np.uint8)
    off = (side - box) // 2
    for i, c in enumerate(y):
        x[i, off + 2:off + 4 + c, off + box // 2] = 255
    # a unique pixel per image, to tell images apart
    x[:, 0, 0] = np.arange(n) % 100
    return x, y


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setitem(BASES, 'mnist', dict(file='mnist.npz', box=20,
                                             train=30, test=10))
    monkeypatch.setitem(BASES, 'usps', dict(file='usps.npz', box=16,
                                            train=20, test=10))
    for name, side, box, n in (('mnist', 28, 20, 70), ('usps', 16, 16, 50)):
        xtr, ytr = _digits(n, side, box, 1)
        xte, yte = _digits(25, side, box, 2)
        np.savez(tmp_path / f'{name}.npz', x_train=xtr, y_train=ytr,
                 x_test=xte, y_test=yte)
    return tmp_path


def test_files_shapes_masks_and_disjoint_halves(data_dir, tmp_path):
    paths = make_dev_pairs(data_dir, tmp_path / 'out')
    assert len(paths) == 2 * (1 + len(VARIANTS))
    for name, path in paths.items():
        base = name.split('_')[0]
        spec = BASES[base]
        side = 28 if base == 'mnist' else 16
        x, y, m = load_digits_npz(path)  # picks up m_x_train
        rgb = name.endswith(('coloured.npz', 'textured.npz'))
        assert x.shape == (spec['train'], side, side) + ((3,) if rgb else ())
        assert m.shape == (spec['train'], side, side) and m.any()
        xt, yt, _ = load_digits_npz(path, 'x_test', 'y_test')
        assert len(xt) == len(yt) == spec['test']
    # half A (clean) and half B (variants) share no image: the rotated and
    # inverted files keep the label of the same half-B images
    clean = np.load(paths['mnist_clean.npz'])
    inv = np.load(paths['mnist_inverted.npz'])
    ids_a = set(clean['x_train'][:, 0, 0].tolist())
    ids_b = set((255 - inv['x_train'][:, 0, 0]).tolist())
    assert not ids_a & ids_b
    # inverted: the mask marks the (now dark) ink
    assert (inv['x_train'][inv['m_x_train']] < 128).all()


def test_deterministic_and_seeded(data_dir, tmp_path):
    a = make_dev_pairs(data_dir, tmp_path / 'a', variants=('textured',))
    b = make_dev_pairs(data_dir, tmp_path / 'b', variants=('textured',))
    c = make_dev_pairs(data_dir, tmp_path / 'c', seed=1,
                       variants=('textured',))
    for name in a:
        xa, xb = (np.load(p[name])['x_train'] for p in (a, b))
        np.testing.assert_array_equal(xa, xb)
    assert not np.array_equal(np.load(a['usps_textured.npz'])['x_train'],
                              np.load(c['usps_textured.npz'])['x_train'])


def test_variants_change_what_they_should():
    rng = np.random.default_rng(0)
    x, _ = _digits(8, 16, 16, 3)
    x[:, 0, 0] = 0
    rot, m = make_variant(x, 'rotated', 16, rng)
    assert rot.shape == x.shape and (m != (x > 127)).any()
    small, m = make_variant(x, 'rescaled', 16, rng)
    assert m.sum() < (x > 127).sum()
    noisy, m = make_variant(x, 'noisy', 16, rng)
    assert np.array_equal(m, x > 127) and noisy[x == 0].mean() > 5
    col, _ = make_variant(x, 'coloured', 16, rng)
    bg = col[:, 0, 0]  # (N, 3): one flat colour per image, not all equal
    assert (col[:, 1, 1] == bg).all() and len(np.unique(bg, axis=0)) > 1
    tex, _ = make_variant(x, 'textured', 16, rng)
    assert tex.shape == x.shape + (3,) and tex[:, :, :, 0].std() > 10
    with pytest.raises(ValueError, match='unknown variant'):
        make_variant(x, 'sheared', 16, rng)


def test_pair_list_both_directions():
    pairs = dev_pair_list()
    assert ('mnist_clean.npz', 'mnist_textured.npz') in pairs
    assert ('mnist_textured.npz', 'mnist_clean.npz') in pairs
    assert ('usps_clean.npz', 'mnist_clean.npz') in pairs
    assert len(pairs) == 2 + 2 * 2 * len(VARIANTS)


def test_errors_name_the_file(tmp_path):
    np.savez(tmp_path / 'usps.npz', x_train=np.zeros((5, 16, 16), np.uint8),
             y_train=np.zeros(5, np.int64),
             x_test=np.zeros((5, 16, 16), np.uint8),
             y_test=np.zeros(5, np.int64))
    with pytest.raises(ValueError, match=r'usps\.npz.*holds 5 images'):
        make_dev_pairs(tmp_path, tmp_path / 'o', bases=('usps',))
    with pytest.raises(ValueError, match='unknown variant'):
        make_dev_pairs(tmp_path, tmp_path / 'o', variants=('x',))


def test_cli_writes_readme(tmp_path):
    """The tool on one tiny base (real sizes need the shared files)."""
    xtr, ytr = _digits(6000, 16, 16, 1)
    xte, yte = _digits(2000, 16, 16, 2)
    np.savez(tmp_path / 'usps.npz', x_train=xtr, y_train=ytr, x_test=xte,
             y_test=yte)
    out = tmp_path / 'dev'
    run = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools', 'make_dev_pairs.py'),
         '--data-dir', str(tmp_path), '--out', str(out), '--bases', 'usps',
         '--variants', 'inverted'], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    text = (out / 'README.md').read_text()
    assert '`usps_clean.npz` -> `usps_inverted.npz`' in text
    assert '--bases usps --variants inverted' in text
    bad = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools', 'make_dev_pairs.py'),
         '--data-dir', str(tmp_path / 'none'), '--out', str(out)],
        capture_output=True, text=True)
    assert bad.returncode == 2 and 'mnist.npz: file not found' in bad.stderr
