"""tools/*.py end to end on tiny digit scenes: predict, train, resume."""
import importlib.util
import os.path as osp

import numpy as np
import pytest
import torch
from det_helpers import (
    BATCH,
    BIMEM,
    BLACKBOX,
    N_SCENES,
    PER_SCENE,
    REPO,
    WARMUP,
    check_resumed_memories,
    run_tool,
    tiny_data,
    tiny_options,
)
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope

from bimem_mm.registry import DATASETS, MODELS
from bimem_mm.store import PredictionStore

pytestmark = pytest.mark.slow


@pytest.fixture
def data(tmp_path):
    return tiny_data(tmp_path)


def _target(npz):
    return [o for o in tiny_options(npz, None, 1)
            if o.startswith('train_dataloader.dataset')]


def _predict_blackbox(*args):
    """tools/predict_blackbox.py in this process (saves a start-up)."""
    spec = importlib.util.spec_from_file_location(
        'predict_blackbox_tool', osp.join(REPO, 'tools', 'predict_blackbox.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.main([str(a) for a in args])


def test_predict_blackbox_model_and_callable(tmp_path, data):
    npz, _ = data
    init_default_scope('mmdet')
    torch.manual_seed(0)
    bb = MODELS.build(Config.fromfile(BLACKBOX).model)
    ckpt = tmp_path / 'bb.pth'
    torch.save({'state_dict': bb.state_dict()}, ckpt)
    out = tmp_path / 'model_store'
    _predict_blackbox(WARMUP, '--task', 'det', '--out', out, '--model',
                      BLACKBOX, '--checkpoint', ckpt, '--mode', 'topk', '--k',
                      '3', '--score-thr', '0.05', '--cfg-options',
                      *_target(npz))
    store = PredictionStore(str(out))
    assert len(store) == N_SCENES and store.task == 'det'
    rec = store.record(store.keys[0])
    assert rec['bboxes'].shape[1] == 4 and (rec['scores'] >= 0.05).all()
    assert rec['img_shape'].tolist() == [64, 64]

    out = tmp_path / 'callable_store'   # det_blackbox_api.py, next to us
    _predict_blackbox(WARMUP, '--task', 'det', '--out', out, '--callable',
                      'det_blackbox_api:predict', '--mode', 'probs',
                      '--score-thr', '0.5', '--cfg-options', *_target(npz))
    store = PredictionStore(str(out))
    rec = store.record(store.keys[0])
    assert len(store) == N_SCENES and rec['bboxes'].shape == (1, 4)
    np.testing.assert_allclose(store.probs(store.keys[0]).max(), 0.55,
                               atol=1e-3)
    assert store.manifest['source']['kind'] == 'callable'


def test_bimem_train_then_resume_keeps_memories(tmp_path, data):
    """BiMem through tools/train.py (the hook initialises the long-term
    memory), then --resume: the memories continue from the checkpoint."""
    npz, store = data
    work = tmp_path / 'bimem'
    opts = tiny_options(npz, store, 2, [
        'model.refiner.queue_length=16', 'model.refiner.min_units_short=1'])
    out = run_tool('train.py', BIMEM, '--work-dir', work, '--cfg-options',
                   *opts)
    log = out.stdout + out.stderr
    assert 'long-term memory initialised' in log
    assert 'loss_bimem_rce' in log
    first = torch.load(work / 'iter_2.pth', weights_only=True)['state_dict']
    per_iter = BATCH * PER_SCENE          # every box of a batch is a unit
    assert int(first['refiner.short_term.num_pushed']) == 2 * per_iter
    assert first['refiner.long_term.prototypes'].shape == (10, 256)

    more = [o.replace('max_iters=2', 'max_iters=4')
            .replace('interval=2', 'interval=4') for o in opts]
    log = check_resumed_memories(BIMEM, work, more, first, per_iter, 16)
    assert 'pascal_voc/mAP' in log


SWAP = dict(
    # a tiny ResNet-18 (two stages, stride 8) with a one-level FPN
    backbone=dict(_delete_=True, type='ResNet', depth=18, num_stages=2,
                  strides=(1, 2), dilations=(1, 1),
                  out_indices=(1, ), norm_eval=False, init_cfg=None),
    neck=dict(_delete_=True, type='FPN', in_channels=[128], out_channels=64,
              num_outs=1),
    rpn_head=dict(anchor_generator=dict(strides=[8])),
    roi_head=dict(bbox_roi_extractor=dict(featmap_strides=[8]),
                  bbox_head=dict(fc_out_channels=128)))


def test_backbone_swap_by_config_only(data):
    """Warm-up step, memory init and a BiMem step with another backbone."""
    npz, store = data
    init_default_scope('mmdet')
    cfg = Config.fromfile(BIMEM)
    cfg.merge_from_dict(dict(model=dict(model=SWAP)))
    cfg.merge_from_dict(dict(
        (k, v) for k, v in (o.split('=', 1) for o in tiny_options(
            npz, store, 1)) if k.endswith(('npz_file', 'store'))))
    cfg.train_dataloader.dataset.update(num_scenes=N_SCENES, crop=None)
    model = MODELS.build(cfg.model)
    assert model.refiner.long_term.prototypes.shape == (10, 128)
    assert type(model.student.backbone).__name__ == 'ResNet'
    ds = DATASETS.build(cfg.train_dataloader.dataset)
    data = pseudo_collate([ds[i] for i in range(BATCH)])
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    model.stage = 'warmup'
    assert 'loss_cls' in model.train_step(data, optim)
    model.init_memory_step(data)
    model.refiner.finalize_init()
    model.stage = 'bimem'
    log = model.train_step(data, optim)
    assert log['loss_bimem_rce'] > 0
    assert int(model.refiner.short_term.num_pushed) == BATCH * PER_SCENE
