"""The seg benchmark recipe: which data each method may read."""
import os.path as osp

import pytest
from recipe_helpers import make_pair

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
