"""A bad prediction store stops training with one clear message."""
import pytest
from conftest import make_store, run_tool, tiny_options

WARMUP = 'configs/cls/digits/warmup_digits.py'
pytestmark = pytest.mark.slow


def _train_fails(npz, store, tmp_path):
    proc = run_tool('train.py', WARMUP, '--work-dir', tmp_path / 'w',
                    '--cfg-options', *tiny_options(npz, store, 2),
                    check=False)
    assert proc.returncode != 0
    last = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()][-1]
    return last


def test_missing_prediction_for_an_image(tmp_path, tiny_data):
    npz, _ = tiny_data
    store = make_store(tmp_path / 'partial', skip=(5, 7))
    msg = _train_fails(npz, store, tmp_path)
    assert 'PredictionStoreError' in msg and str(store) in msg
    assert 'x_train/000005' in msg and 'missing' in msg


def test_wrong_class_count(tmp_path, tiny_data):
    npz, _ = tiny_data
    store = make_store(tmp_path / 'five', num_classes=5)
    msg = _train_fails(npz, store, tmp_path)
    assert str(store) in msg and '5' in msg and '10' in msg


def test_truncated_shard(tmp_path, tiny_data):
    npz, store = tiny_data
    shard = tmp_path / 'store' / 'shard-00000.npz'
    data = shard.read_bytes()
    shard.write_bytes(data[:len(data) // 3])
    msg = _train_fails(npz, store, tmp_path)
    assert 'shard-00000.npz' in msg


def test_incomplete_store_without_manifest(tmp_path, tiny_data):
    npz, store = tiny_data
    (tmp_path / 'store' / 'manifest.json').unlink()
    msg = _train_fails(npz, store, tmp_path)
    assert 'manifest' in msg and str(store) in msg
