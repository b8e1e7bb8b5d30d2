"""tools/predict_blackbox.py: a model or a callable -> a valid store."""
import os.path as osp

import numpy as np
import pytest
from conftest import N_TRAIN, run_tool, tiny_options

from bimem_mm.store import PredictionStore

WARMUP = 'configs/cls/digits/warmup_digits.py'
BLACKBOX = 'configs/cls/digits/blackbox_digits.py'
pytestmark = pytest.mark.slow


def _target(npz):
    return [o for o in tiny_options(npz, None, 2)
            if o.startswith('train_dataloader.dataset')]


def test_callable_black_box_writes_every_target_image(tmp_path, tiny_data,
                                                      monkeypatch):
    npz, _ = tiny_data
    monkeypatch.setenv('PYTHONPATH', osp.dirname(osp.abspath(__file__)))
    out = tmp_path / 'bb_store'
    run_tool('predict_blackbox.py', WARMUP, '--out', out, '--callable',
             'blackbox_api:predict', '--mode', 'topk', '--k', '3',
             '--batch-size', '10', '--cfg-options', *_target(npz))
    store = PredictionStore(str(out))
    assert len(store) == N_TRAIN and store.k == 3 and store.mode == 'topk'
    assert store.manifest['source']['kind'] == 'callable'
    probs = store.probs('x_train/000003')
    assert probs.shape == (10,) and np.isclose(probs.sum(), 1, atol=1e-3)
    bad = run_tool('predict_blackbox.py', WARMUP, '--out', tmp_path / 'bad',
                   '--callable', 'blackbox_api:predict_wrong_count',
                   '--cfg-options', *_target(npz), check=False)
    assert bad.returncode != 0 and 'returned' in bad.stderr
    assert not (tmp_path / 'bad' / 'manifest.json').exists()


def test_model_black_box_keeps_only_its_outputs(tmp_path, tiny_data):
    npz, _ = tiny_data
    bb = tmp_path / 'bb'
    run_tool('train.py', BLACKBOX, '--work-dir', bb, '--cfg-options',
             *[o for o in tiny_options(npz, None, 2)
               if not o.startswith('memory_init')])
    out = tmp_path / 'bb_store'
    run_tool('predict_blackbox.py', WARMUP, '--out', out, '--model',
             BLACKBOX, '--checkpoint', bb / 'iter_2.pth', '--mode', 'hard',
             '--cfg-options', *_target(npz))
    store = PredictionStore(str(out))
    assert len(store) == N_TRAIN and store.mode == 'hard'
    assert sorted(p.name for p in out.iterdir()) == [
        'manifest.json', 'shard-00000.npz']
