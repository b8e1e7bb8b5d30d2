"""Weights-only, atomic checkpoints (bimem_mm.compat.checkpoint)."""
import os
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer

from bimem_mm import compat
from bimem_mm.compat.checkpoint import (
    CorruptCheckpointError,
    UnsafeCheckpointError,
    atomic_torch_save,
    from_safe,
    safe_load,
    save_checkpoint,
    to_safe,
)


def _mmengine_like_checkpoint():
    buf = HistoryBuffer()
    for v in (1.0, 2.0, 4.0):
        buf.update(v)
    return {
        'meta': {'epoch': 0, 'iter': 3, 'seed': np.int64(7), 'lr': np.float64(0.5),
                 'dataset_meta': {'classes': ('a', 'b')},
                 'palette': np.array([[1, 2, 3]], dtype=np.uint8)},
        'state_dict': OrderedDict(w=torch.ones(2)),
        'message_hub': {'log_scalars': OrderedDict(loss=buf),
                        'runtime_info': {'iter': 3, 'lr': np.float32(0.1)},
                        'resumed_keys': {'loss': True}},
    }


def test_plain_torch_load_refuses_mmengine_checkpoints(tmp_path):
    path = tmp_path / 'plain.pth'
    torch.save(_mmengine_like_checkpoint(), path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path)                 # why the compat module exists
    with pytest.raises(UnsafeCheckpointError, match=str(path)):
        safe_load(str(path))


def test_round_trip_restores_history_buffers_and_numpy(tmp_path):
    path = tmp_path / 'safe.pth'
    save_checkpoint(_mmengine_like_checkpoint(), str(path))
    torch.load(path, weights_only=True)  # loadable with no allowlist at all
    ckpt = safe_load(str(path))
    buf = ckpt['message_hub']['log_scalars']['loss']
    assert isinstance(buf, HistoryBuffer)
    assert buf.current() == 4.0 and buf.mean() == pytest.approx(7 / 3)
    assert ckpt['meta']['seed'] == 7 and isinstance(ckpt['meta']['seed'], int)
    assert type(ckpt['meta']['lr']) is float
    assert isinstance(ckpt['meta']['palette'], np.ndarray)
    assert ckpt['meta']['palette'].tolist() == [[1, 2, 3]]
    assert ckpt['meta']['dataset_meta']['classes'] == ('a', 'b')
    assert from_safe(to_safe({'x': [1, (2, 3)]})) == {'x': [1, (2, 3)]}


class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}',))


def test_crafted_checkpoint_is_refused_without_running_code(tmp_path):
    marker = tmp_path / 'pwned'
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'payload': _Evil(marker)}, path)
    with pytest.raises(UnsafeCheckpointError, match='--trust-checkpoint'):
        safe_load(str(path))
    assert not marker.exists()
    compat.apply()
    from mmengine.runner.checkpoint import CheckpointLoader
    with pytest.raises(UnsafeCheckpointError):
        CheckpointLoader.load_checkpoint(str(path))
    assert not marker.exists()


def test_trusted_opt_in_loads_full_pickles(tmp_path):
    path = tmp_path / 'plain.pth'
    torch.save(_mmengine_like_checkpoint(), path)
    compat.trust_checkpoints(True)
    try:
        ckpt = safe_load(str(path))
    finally:
        compat.trust_checkpoints(False)
    assert isinstance(ckpt['message_hub']['log_scalars']['loss'],
                      HistoryBuffer)


def test_truncated_and_missing_files_are_named(tmp_path):
    path = tmp_path / 'cut.pth'
    save_checkpoint(_mmengine_like_checkpoint(), str(path))
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    with pytest.raises(CorruptCheckpointError, match='cut.pth'):
        safe_load(str(path))
    with pytest.raises(CorruptCheckpointError, match='not found'):
        safe_load(str(tmp_path / 'nope.pth'))


def test_atomic_save_keeps_the_old_file_on_failure(tmp_path, monkeypatch):
    path = tmp_path / 'ckpt.pth'
    atomic_torch_save({'v': torch.tensor(1)}, str(path))

    def broken_save(obj, f):
        f.write(b'partial')
        raise OSError('disk full')
    monkeypatch.setattr(torch, 'save', broken_save)
    with pytest.raises(OSError):
        atomic_torch_save({'v': torch.tensor(2)}, str(path))
    monkeypatch.undo()
    assert int(torch.load(path)['v']) == 1
    assert os.listdir(tmp_path) == ['ckpt.pth']
