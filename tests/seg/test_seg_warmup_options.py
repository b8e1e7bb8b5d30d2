"""The teacher-student base's ``warmup`` options (class balance, soft
labels) on the segmentor's pixel units, and through tools/train.py."""
import importlib.util
import os.path as osp

import pytest
import torch
from mmengine.dataset import pseudo_collate
from seg_helpers import (
    BATCH,
    BIMEM,
    REPO,
    WARMUP,
    build_cfg,
    make_npz,
    make_store,
    run_tool,
    tiny_options,
)

from bimem_mm.core import WarmupLoss, hard_labels
from bimem_mm.registry import DATASETS, MODELS

OPTIONS = ['model.warmup.balance=running', 'model.warmup.soft=0.5',
           'model.warmup.soft_topk=2']


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('seg_warmup')
    npz = make_npz(tmp / 'digits.npz')
    return npz, make_store(tmp / 'store', npz)


def _model_and_batch(data, extra=()):
    cfg = build_cfg(WARMUP, *data, list(extra))
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    ds = DATASETS.build(cfg.train_dataloader.dataset)
    batch = model.data_preprocessor(
        pseudo_collate([ds[i] for i in range(BATCH)]), True)
    return model, batch


def test_warmup_options_on_pixel_units(data):
    official, batch = _model_and_batch(data, ['model.warmup=None'])
    assert official.warmup_criterion is None
    options, _ = _model_and_batch(data, OPTIONS)   # on the config's balance
    crit = options.warmup_criterion
    assert (crit.balance, crit.soft, crit.soft_topk) == ('running', 0.5, 2)
    assert crit.num_classes == 11 and crit.ignore_index == 255
    inputs, samples = batch['inputs'], batch['data_samples']
    torch.manual_seed(1)                  # the same dropout in both passes
    units = options.units(options.student, inputs, samples)
    bb = options.black_box(samples, units)
    labels = options.masked(hard_labels(bb, 0.0, 255), units)
    want = WarmupLoss(11, balance='running', power=0.5, soft=0.5,
                      soft_topk=2)(
        units.logits, labels, bb)
    torch.manual_seed(1)
    got = options.loss(inputs, samples)
    assert set(got) == {'loss_ce', 'loss_soft'}
    for key in got:
        torch.testing.assert_close(got[key], want[key])
    torch.testing.assert_close(crit.balancer.class_freq, torch.bincount(
        labels[labels != 255], minlength=11).float() / (labels != 255).sum())
    # the official loss is unchanged and differs from the options'
    plain = official.loss(inputs, samples)
    assert set(plain) == {'loss_ce'}
    assert not torch.allclose(plain['loss_ce'], got['loss_ce'] * 2)


@pytest.mark.slow
def test_warmup_options_train_and_load_into_bimem(tmp_path, data):
    npz, store = data
    warm_dir = tmp_path / 'warmup'
    run_tool('train.py', WARMUP, '--work-dir', warm_dir, '--cfg-options',
             *tiny_options(npz, store, 2, OPTIONS))
    sd = torch.load(warm_dir / 'iter_2.pth', weights_only=True)['state_dict']
    freq = sd['warmup_criterion.balancer.class_freq']
    assert abs(float(freq.sum()) - 1) < 1e-5 and (freq > 0).sum() >= 2
    log = (sorted(warm_dir.glob('*/vis_data/scalars.json'))[0]).read_text()
    assert '"loss_soft"' in log and '"loss_ce"' in log
    # the BiMem stage (no warm-up options) loads it: the key may differ
    run_tool('train.py', BIMEM, '--work-dir', tmp_path / 'bimem',
             '--cfg-options', *tiny_options(
                 npz, store, 1, [f'load_from={warm_dir / "iter_2.pth"}']))
    assert (tmp_path / 'bimem' / 'iter_1.pth').exists()
    # the balanced bimem_plus option (not the default) trains from it too
    run_tool('train.py', 'configs/seg/digits/bimem_plus_balanced_scenes.py',
             '--work-dir', tmp_path / 'balanced', '--cfg-options',
             *tiny_options(npz, store, 1,
                           [f'load_from={warm_dir / "iter_2.pth"}']))
    sd = torch.load(tmp_path / 'balanced' / 'iter_1.pth',
                    weights_only=True)['state_dict']
    assert float(sd['label_balance.class_freq'].sum()) > 0


@pytest.mark.slow
def test_seg_calibration_report_runs(tmp_path, data):
    """tools/benchmarks/seg_calibration.py on a memory checkpoint: the black
    box's pixel accuracy and one row per temperature."""
    from mmengine.config import Config
    cfg = build_cfg(BIMEM, *data)
    config = tmp_path / 'bimem.py'
    Config(cfg.to_dict()).dump(str(config))
    torch.manual_seed(0)
    model, batch = _model_and_batch(data)     # warm-up weights
    bimem = MODELS.build(cfg.model)
    bimem.load_state_dict(model.state_dict(), strict=False)
    with torch.no_grad():
        bimem.init_memory_step(dict(inputs=batch['inputs'],
                                    data_samples=batch['data_samples']))
    bimem.refiner.finalize_init()
    ckpt = tmp_path / 'memory.pth'
    torch.save({'state_dict': bimem.state_dict()}, ckpt)
    out = run_tool('benchmarks/seg_calibration.py', config, ckpt,
                   '--temperatures', '1,0.1', '--batches', '1',
                   '--batch-size', str(BATCH)).stdout
    assert 'black box pixel accuracy' in out and 'label mIoU' in out
    rows = [line for line in out.splitlines() if line.startswith('| 1 |')
            or line.startswith('| 0.1 |')]
    assert len(rows) == 2
    for row in rows:
        values = [float(v) for v in row.split('|')[2:-1]]
        assert len(values) == 8
        assert all(0 <= v <= 1 for v in values)


def test_seg_calibration_label_scores():
    """mIoU and mAcc of a label map from its confusion (rows truth): the
    classes neither side has are left out."""
    path = osp.join(REPO, 'tools', 'benchmarks', 'seg_calibration.py')
    spec = importlib.util.spec_from_file_location('seg_calibration', path)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    # truth bg: 8 px, 6 labelled bg, 2 labelled digit 1; truth 1: 2 px,
    # both right; class 2 absent everywhere
    conf = torch.tensor([[6., 2., 0.], [0., 2., 0.], [0., 0., 0.]])
    miou, macc = tool.label_scores(conf)
    assert miou == pytest.approx((6 / 8 + 2 / 4) / 2)
    assert macc == pytest.approx((6 / 8 + 1.0) / 2)
