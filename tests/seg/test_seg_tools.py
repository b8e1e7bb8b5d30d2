"""tools/*.py end to end on tiny digit scenes: an mmseg black box's store
(downscaled), warm-up, BiMem, resume with the memories, evaluation."""
import json

import pytest
import torch
from seg_helpers import (
    BATCH,
    BIMEM,
    BLACKBOX,
    CANVAS,
    K_UNITS,
    N_SCENES,
    QUEUE,
    WARMUP,
    build_cfg,
    check_resumed_memories,
    make_npz,
    run_tool,
    tiny_options,
)

from bimem_mm.registry import MODELS
from bimem_mm.store import PredictionStore

pytestmark = pytest.mark.slow


def _target(npz):
    return [o for o in tiny_options(npz, None, 1)
            if o.startswith('train_dataloader.dataset.')
            and 'pipeline' not in o]


def test_predict_warmup_bimem_resume_test(tmp_path):
    npz = make_npz(tmp_path / 'digits.npz')
    # an (untrained) mmseg black box, saved as a plain checkpoint
    cfg = build_cfg(BLACKBOX, npz, None, supervised=True)
    bb = tmp_path / 'bb.pth'
    torch.save({'state_dict': MODELS.build(cfg.model).state_dict()}, bb)

    store = tmp_path / 'store'
    run_tool('predict_blackbox.py', WARMUP, '--task', 'seg', '--out', store,
             '--model', BLACKBOX, '--checkpoint', bb, '--k', '2',
             '--downscale', '2', '--batch-size', '4', '--cfg-options',
             *_target(npz))
    preds = PredictionStore(store)
    assert len(preds) == N_SCENES and preds.task == 'seg' and preds.k == 2
    rec = preds.record(preds.keys[0])
    assert rec['probs'].shape == (CANVAS // 2, CANVAS // 2, 2)
    assert tuple(rec['img_shape']) == (CANVAS, CANVAS)
    assert preds.manifest['classes'][0] == 'background'

    warm_dir = tmp_path / 'warmup'
    run_tool('train.py', WARMUP, '--work-dir', warm_dir, '--cfg-options',
             *tiny_options(npz, store, 2))
    warm = warm_dir / 'iter_2.pth'
    assert warm.exists()

    work = tmp_path / 'bimem'
    opts = tiny_options(npz, store, 2, [f'load_from={warm}'])
    out = run_tool('train.py', BIMEM, '--work-dir', work, '--cfg-options',
                   *opts)
    assert 'long-term memory initialised' in out.stdout + out.stderr
    first = torch.load(work / 'iter_2.pth', weights_only=True)['state_dict']
    per_iter = BATCH * K_UNITS
    assert int(first['refiner.short_term.num_pushed']) == 2 * per_iter
    assert bool(first['refiner.long_term.initialized'])

    more = [o.replace('=2', '=4') if o.startswith(
        ('train_cfg.max_iters', 'param_scheduler.0.end')) else o
        for o in opts]
    check_resumed_memories(BIMEM, work, more, first, per_iter, QUEUE)

    metrics = tmp_path / 'metrics.json'
    run_tool('test.py', BIMEM, work / 'iter_4.pth', '--work-dir',
             tmp_path / 'test', '--metrics-out', metrics, '--cfg-options',
             *opts)
    assert 0 <= json.loads(metrics.read_text())['mIoU'] <= 100
