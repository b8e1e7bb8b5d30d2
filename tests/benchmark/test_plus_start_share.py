"""The budget split of a DINE-started method (Recipe.plus_start_share,
--stage-iters dine_half=SHARE): the DINE start and the method share one
budget; 0.5 keeps the 'dine_half' stage (and its command) unchanged."""
import importlib.util
import os.path as osp

import pytest
from recipe_helpers import RecordingRunner, make_pair

from bimem_mm.benchmark import stages
from bimem_mm.benchmark.cls import ClsRecipe
from bimem_mm.benchmark.det import DetRecipe


def _run(recipe_cls, pair, **kwargs):
    src, tgt, out = pair
    runner = RecordingRunner()
    recipe = recipe_cls(src, tgt, out, seed=0, runner=runner, **kwargs)
    recipe.metric_value = lambda metrics: 0.0
    recipe.run(['dine', 'bimem_plus'])
    return recipe, runner.trained


@pytest.fixture
def pair(tmp_path):
    return make_pair(tmp_path)


def test_default_shares(pair):
    """cls: 3/4 DINE start, 1/4 bimem_plus (chosen on the dev pairs);
    det keeps the half/half 'dine_half' stage; dine its whole budget."""
    recipe, trained = _run(ClsRecipe, pair, iters=1000)
    assert recipe.plus_start_share == 0.75
    assert trained['dine_start75'][:2] == (750, 'train_cfg.max_iters=750')
    assert trained['bimem_plus'][:2] == (250, 'train_cfg.max_iters=250')
    assert trained['dine'][0] == 1000
    recipe, trained = _run(DetRecipe, pair, iters=11)
    assert recipe.plus_start_share == 0.5
    assert recipe.dine_start('bimem_plus') == ('dine_half', 5, 5)
    assert trained['dine_half'][:2] == (5, 'train_cfg.max_iters=5')
    assert trained['bimem_plus'][:2] == (5, 'train_cfg.max_iters=5')
    assert trained['dine'][0] == 11
    # --stage-iters dine_half=0.5: cls's session-5 split, unchanged
    recipe, trained = _run(ClsRecipe, pair, iters=11,
                           stage_iters={'dine_half': 0.5})
    assert trained['dine_half'][0] == trained['bimem_plus'][0] == 5


@pytest.mark.parametrize('share,first,name', [(0.75, 750, 'dine_start75'),
                                              (0.25, 250, 'dine_start25')])
def test_share_splits_one_budget_into_its_own_stage(pair, share, first,
                                                    name):
    recipe, trained = _run(ClsRecipe, pair, iters=1000,
                           stage_iters={'dine_half': share})
    assert 'dine_half' not in trained and 'dine_half' not in \
        recipe.stage_iters
    assert trained[name][:2] == (first, f'train_cfg.max_iters={first}')
    warm = osp.join(pair[2], 'warmup', 'iter_1000.pth')
    assert trained[name][2] == [f'load_from={warm}']
    rest = 1000 - first
    assert trained['bimem_plus'][:2] == (rest, f'train_cfg.max_iters={rest}')
    assert trained['dine'][0] == 1000


def test_a_recipe_may_override_the_share(pair):
    class Late(DetRecipe):
        plus_start_share = 0.75
    recipe, trained = _run(Late, pair, iters=8)
    assert trained['dine_start75'][0] == 6 and trained['bimem_plus'][0] == 2
    # the command line (--stage-iters) wins over the recipe's
    _, trained = _run(Late, pair, iters=8, stage_iters={'dine_half': 0.5})
    assert trained['dine_half'][0] == trained['bimem_plus'][0] == 4
    # det keeps its own 3x warm-up beside a share
    recipe = DetRecipe(*pair, seed=0, iters=10,
                       stage_iters={'dine_half': 0.25})
    assert recipe.stage_length('warmup') == 30
    assert recipe.dine_start('bimem_plus') == ('dine_start25', 2, 8)


@pytest.mark.parametrize('share', [0.0, 1.0, 1.5])
def test_a_share_outside_0_1_is_refused(pair, share):
    with pytest.raises(stages.StageError, match='0 < s < 1'):
        ClsRecipe(*pair, seed=0, stage_iters={'dine_half': share})


def test_the_flag_reaches_the_recipe():
    spec = importlib.util.spec_from_file_location(
        '_tool_benchmark', osp.join(stages.REPO, 'tools', 'benchmark.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    args = tool.parse_args(['--suite', 'digits', '--stage-iters',
                            'dine_half=0.75'])
    assert args.stage_factors == {'dine_half': 0.75}
