"""Benchmark plots, progress parsing and the detection recipe's options."""
import json
import os.path as osp

import pytest
from recipe_helpers import make_pair

from bimem_mm.benchmark import plots, stages
from bimem_mm.benchmark.det import DetRecipe


def _png_ok(path):
    with open(path, 'rb') as f:
        return f.read(8) == b'\x89PNG\r\n\x1a\n'


def test_results_plot_one_panel_per_task_and_pair(tmp_path):
    rows = [dict(task=t, pair='a->b', method=m, metric='top1', value=v,
                 seed=s, config='c.py')
            for t in ('cls', 'seg') for m, v in (('bimem', 50), ('dine', 40))
            for s in (0, 1)]
    path = tmp_path / 'results.png'
    plots.plot_results(rows, str(path))
    assert _png_ok(path)
    with pytest.raises(ValueError, match='no results'):
        plots.plot_results([], str(tmp_path / 'empty.png'))


def _scalars(folder, records):
    folder.mkdir(parents=True)
    with open(folder / 'scalars.json', 'w') as f:
        for r in records:
            f.write(json.dumps(r) + '\n')
    return str(folder / 'scalars.json')


def test_memory_plot_draws_what_was_logged(tmp_path):
    train = [{'iter': i, 'bimem/queue_fill': min(1, i / 100),
              'bimem/proto_drift': 0.1 * i, 'bimem/bb_agree': 0.9}
             for i in (50, 100, 150)]
    older = _scalars(tmp_path / 'bimem' / '20260101_000000' / 'vis_data',
                     train)
    # a newer run that only evaluated (no 'iter' records) is skipped
    _scalars(tmp_path / 'bimem' / '20260102_000000' / 'vis_data',
             [{'accuracy/top1': 50.0, 'step': 0}])
    assert plots.find_scalars(str(tmp_path / 'bimem')) == older
    assert plots.find_scalars(str(tmp_path / 'none')) is None
    drawn = plots.plot_memory(older, str(tmp_path / 'memory.png'), 'run')
    assert set(drawn) == {'bimem/queue_fill', 'bimem/proto_drift',
                          'bimem/bb_agree'}
    assert _png_ok(tmp_path / 'memory.png')
    # with --analysis the accuracy panel has both curves
    acc = [dict(r, **{'bimem/acc_black_box': 0.8,
                      'bimem/acc_calibrated': 0.85}) for r in train]
    path = _scalars(tmp_path / 'acc' / 'vis_data', acc)
    assert 'bimem/acc_calibrated' in plots.plot_memory(
        path, str(tmp_path / 'acc.png'))
    empty = _scalars(tmp_path / 'empty' / 'vis_data', [{'step': 0}])
    with pytest.raises(ValueError, match='no training records'):
        plots.plot_memory(empty, str(tmp_path / 'x.png'))


def test_log_progress_reads_the_last_mark(tmp_path):
    log = tmp_path / 'train.log'
    log.write_text('Iter(train) [ 50/600] lr\nIter(train) [100/600] lr\n')
    assert stages.log_progress(str(log)) == '100/600'
    log.write_text('predict 30%|###  | 45/150 [00:01<00:03]\r')
    assert stages.log_progress(str(log)) == '45/150'
    assert stages.log_progress(str(tmp_path / 'missing.log')) == ''


@pytest.fixture
def pair(tmp_path):
    return make_pair(tmp_path)


def test_det_recipe_options(pair):
    src, tgt, out = pair
    recipe = DetRecipe(src, tgt, out, seed=1, iters=200, analysis=True)
    # pseudo-label accuracy logging is not implemented for detection
    assert not any('analysis' in o for o in recipe.options('bimem'))
    assert recipe.threads == 1 and recipe.metric_scale == 100
    for method in recipe.methods:
        assert osp.isfile(osp.join(stages.REPO, recipe.config(method)))
    bb = recipe.options('black_box')
    assert f'train_dataloader.dataset.npz_file={src}' in bb
    for method in ('warmup', 'bimem', 'bimem_no_short'):
        opts = recipe.options(method)
        for loader in ('train_dataloader', 'memory_init_dataloader'):
            assert f'{loader}.dataset.npz_file={tgt}' in opts
            assert f'{loader}.dataset.pipeline.0.store={recipe.store}' in opts
    assert 'model.refiner.use_long=False' in recipe.options('bimem_no_long')
    # the linear LR warm-up then poly, fitted to the stage's length
    its = recipe.iteration_options(200)
    assert 'param_scheduler.0.end=20' in its
    assert 'param_scheduler.1.end=200' in its
    assert 'param_scheduler.0.end=100' in recipe.iteration_options(1000)
