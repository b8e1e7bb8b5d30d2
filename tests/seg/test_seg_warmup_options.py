"""The teacher-student base's ``warmup`` options (class balance, soft
labels) on the segmentor's pixel units, and through tools/train.py."""
import pytest
import torch
from mmengine.dataset import pseudo_collate
from seg_helpers import (
    BATCH,
    BIMEM,
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
    official, batch = _model_and_batch(data)
    assert official.warmup_criterion is None
    options, _ = _model_and_batch(data, OPTIONS)
    crit = options.warmup_criterion
    assert (crit.balance, crit.soft, crit.soft_topk) == ('running', 0.5, 2)
    assert crit.num_classes == 11 and crit.ignore_index == 255
    inputs, samples = batch['inputs'], batch['data_samples']
    torch.manual_seed(1)                  # the same dropout in both passes
    units = options.units(options.student, inputs, samples)
    bb = options.black_box(samples, units)
    labels = options.masked(hard_labels(bb, 0.0, 255), units)
    want = WarmupLoss(11, balance='running', soft=0.5, soft_topk=2)(
        units.logits, labels, bb)
    torch.manual_seed(1)
    got = options.loss(inputs, samples)
    assert set(got) == {'loss_ce', 'loss_soft'}
    for key in got:
        torch.testing.assert_close(got[key], want[key])
    torch.testing.assert_close(crit.class_freq, torch.bincount(
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
    freq = sd['warmup_criterion.class_freq']
    assert abs(float(freq.sum()) - 1) < 1e-5 and (freq > 0).sum() >= 2
    log = (sorted(warm_dir.glob('*/vis_data/scalars.json'))[0]).read_text()
    assert '"loss_soft"' in log and '"loss_ce"' in log
    # the BiMem stage (no warm-up options) loads it: the key may differ
    run_tool('train.py', BIMEM, '--work-dir', tmp_path / 'bimem',
             '--cfg-options', *tiny_options(
                 npz, store, 1, [f'load_from={warm_dir / "iter_2.pth"}']))
    assert (tmp_path / 'bimem' / 'iter_1.pth').exists()
