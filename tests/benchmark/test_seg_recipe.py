"""The seg benchmark recipe: which data each method may read."""
import os.path as osp

import pytest
from recipe_helpers import RecordingRunner, make_pair

from bimem_mm.benchmark.seg import SegRecipe
from bimem_mm.benchmark.stages import REPO


@pytest.fixture
def pair(tmp_path):
    return make_pair(tmp_path)


def test_seg_recipe_options(pair):
    src, tgt, out = pair
    recipe = SegRecipe(src, tgt, out, seed=2, iters=100)
    assert recipe.iters == 100
    assert SegRecipe(src, tgt, out, seed=2).iters == SegRecipe.default_iters
    assert recipe.metric == ('mIoU', 'mIoU')
    assert set(recipe.methods) == {'black_box', 'warmup', 'dine', 'bimem',
                                  'bimem_no_short', 'bimem_no_long',
                                  'bimem_plus', 'oracle'}
    for method in recipe.methods:
        assert osp.isfile(osp.join(REPO, recipe.config(method)))
    bb = recipe.options('black_box')
    assert f'train_dataloader.dataset.npz_file={src}' in bb
    assert 'train_dataloader.dataset.crop=None' in bb
    for method in ('warmup', 'bimem', 'bimem_no_long'):
        opts = recipe.options(method)
        assert f'train_dataloader.dataset.npz_file={tgt}' in opts
        assert 'train_dataloader.dataset.crop=20' in opts   # MNIST framing
        assert f'memory_init_dataloader.dataset.npz_file={tgt}' in opts
        assert any(o.endswith(f'store={recipe.store}') for o in opts)
        assert not any('with_label=True' in o for o in opts)
    assert f'test_dataloader.dataset.npz_file={tgt}' in \
        recipe.options('oracle')
    analysis = SegRecipe(src, tgt, out, 0, analysis=True)
    assert 'model.analysis_key=gt_sem_seg' in analysis.options('bimem')
    assert 'model.analysis_key=gt_sem_seg' not in analysis.options('oracle')



def test_seg_warmup_trains_three_times_the_stage_budget(pair):
    """The digit-scene warm-up trains 3x --iters (chosen on USPS <-> MNIST,
    docs/dev_suite/seg.md#session-6); dine, bimem and bimem_plus start from
    that warm-up with --iters each; --stage-iters warmup=1 restores the
    session-5 length."""
    src, tgt, out = pair
    runner = RecordingRunner()
    recipe = SegRecipe(src, tgt, out, seed=0, iters=100, runner=runner)
    recipe.metric_value = lambda metrics: 0.0
    recipe.run(['warmup', 'dine', 'bimem', 'bimem_plus'])
    trained = runner.trained
    assert trained['warmup'][:2] == (300, 'train_cfg.max_iters=300')
    warm = osp.join(out, 'warmup', 'iter_300.pth')
    assert trained['dine'] == (100, 'train_cfg.max_iters=100',
                               ['load_from=' + warm])
    for method in ('bimem', 'bimem_plus'):
        assert trained[method][0] == 100, method
        init = [args for tool, args in runner.tools
                if tool == 'init_memory.py' and
                osp.join(out, method, 'memory_init.pth') in args]
        assert init and init[0][1] == warm, method
    assert SegRecipe(src, tgt, out, seed=0).stage_length('warmup') == \
        3 * SegRecipe.default_iters
    assert SegRecipe(src, tgt, out, seed=0, iters=100,
                     stage_iters={'warmup': 1.0}).stage_length('warmup') == 100
