"""Benchmark recipes (cfg-options per method) and the results report."""
import os
import os.path as osp

import pytest
from recipe_helpers import RecordingRunner, make_pair

from bimem_mm.benchmark import report, stages
from bimem_mm.benchmark.cls import ClsRecipe


@pytest.fixture
def pair(tmp_path):
    return make_pair(tmp_path)


def test_each_method_reads_only_what_it_may(pair):
    src, tgt, out = pair
    recipe = ClsRecipe(src, tgt, out, seed=3, iters=10)
    bb = recipe.options('black_box')
    assert f'train_dataloader.dataset.npz_file={src}' in bb
    for method in ('warmup', 'bimem', 'bimem_no_short', 'dine'):
        opts = recipe.options(method)
        assert f'train_dataloader.dataset.npz_file={tgt}' in opts
        assert 'train_dataloader.dataset.crop=20' in opts   # 28x28: MNIST
        assert any(o.endswith(f'store={recipe.store}') for o in opts)
        assert not any('with_label=True' in o for o in opts)
    assert 'model.refiner.use_short=False' in recipe.options('bimem_no_short')
    assert recipe.config('bimem_no_long') == recipe.config('bimem')
    assert 'randomness.seed=3' in recipe.options('oracle')


def test_analysis_is_opt_in_and_limited(pair):
    src, tgt, out = pair
    recipe = ClsRecipe(src, tgt, out, 0, analysis=True,
                       method_options={'bimem': ['model.refiner.temperature'
                                                 '=10']})
    assert 'model.analysis_key=analysis_label' in recipe.options('bimem')
    assert 'model.refiner.temperature=10' in recipe.options('bimem')
    assert 'model.analysis_key=analysis_label' not in recipe.options('dine')
    with pytest.raises(stages.StageError, match='no method'):
        recipe.run(['nope'])


def test_report_upserts_and_summarises(tmp_path):
    rows = []
    for seed, value in ((0, 50.0), (1, 54.0), (0, 52.0)):
        rows = report.upsert(rows, dict(
            task='cls', pair='a->b', method='bimem', metric='top1',
            value=value, seed=seed, config='c.py'))
    assert len(rows) == 2          # seed 0 replaced
    path = tmp_path / 'results.csv'
    report.write_rows(str(path), rows)
    back = report.read_rows(str(path))
    assert [r['seed'] for r in back] == ['1', '0']
    (summary, ) = report.summarise(back)
    assert summary['mean'] == pytest.approx(53.0) and summary['n'] == 2
    assert '| cls | a->b | bimem | top1 | 53.00 | 1.41 | 2 |' in \
        report.markdown(back)
    more = back + [dict(task='seg', pair='c->d', method=m, metric='mIoU',
                        value=v, seed=0, config='s.py')
                   for m, v in (('oracle', 90), ('black_box', 10))]
    pivot = report.pivot_markdown(more)
    assert pivot.index('**cls**') < pivot.index('**seg**')
    assert '| bimem | 53.00 ± 1.41 |' in pivot
    assert '(top1, %, last iterate, mean ± std over seeds 0,1)' in pivot
    assert '(mIoU, %, last iterate, seed 0)' in pivot
    # a cell over fewer seeds than its table says which
    short = back + [dict(task='cls', pair='a->b', method='dine',
                         metric='top1', value=40, seed=1, config='d.py')]
    assert '| dine | 40.00 ± 0.00 (seed 1) |' in report.pivot_markdown(short)
    seg = pivot[pivot.index('**seg**'):]
    assert seg.index('| black_box | 10.00 |') < seg.index('| oracle |')


def test_bimem_plus_starts_from_half_a_dine_run_and_ablations_follow(pair):
    import importlib.util
    src, tgt, out = pair
    recipe = ClsRecipe(src, tgt, out, seed=0, iters=10)
    assert recipe.start_of('bimem_plus') == 'dine_half'
    from bimem_mm.benchmark.seg import SegRecipe
    assert SegRecipe(src, tgt, out, seed=0).start_of('bimem_plus') == 'warmup'
    from bimem_mm.benchmark.det import DetRecipe
    assert DetRecipe(src, tgt, out, seed=0).start_of('bimem_plus') == \
        'dine_half'
    from bimem_mm.benchmark import paper  # the same table, by task
    for name, start in (('office31/a2d', 'dine_half'),
                        ('gta5->cityscapes', 'warmup'),
                        ('cityscapes->foggy', 'dine_half')):
        bench = paper.PaperRecipe(paper.get(name), out, 0)
        assert bench.start_of('bimem_plus') == start, name
    # a recipe's starts are its own copy (the ablation tool adds to it)
    recipe.starts['x'] = 'warmup'
    assert 'x' not in ClsRecipe(src, tgt, out, seed=0).starts
    assert recipe.start_of('bimem') == recipe.start_of('bimem_no_long') \
        == 'warmup'
    path = osp.join(stages.REPO, 'tools', 'benchmarks',
                    'bimem_plus_ablation.py')
    spec = importlib.util.spec_from_file_location('ablation', path)
    ablation = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ablation)
    args = ablation.parse_args(['--task', 'cls'])
    variant = ablation.recipe_for(args, src, tgt, out,
                                  ['plus_no_mix', 'plus_from_warmup'])
    assert variant.config('plus_no_mix') == variant.config('bimem_plus')
    assert 'model.mix_weight=0.0' in variant.options('plus_no_mix')
    assert variant.start_of('plus_no_mix') == 'dine_half'
    assert variant.start_of('plus_from_warmup') == 'warmup'
    assert 'plus_no_mix' not in recipe.variants     # the class is untouched
    name, (options, start, _) = ablation.parse_variant(
        'seg_t10=warmup:model.im_weight=0.0,model.mix_weight=0.0')
    assert (name, start) == ('seg_t10', 'warmup')
    assert options == ['model.im_weight=0.0', 'model.mix_weight=0.0']
    with pytest.raises(SystemExit, match='NAME=warmup'):
        ablation.parse_variant('x=scratch:model.im_weight=0')


def test_stage_threads_do_not_follow_the_machine(pair, monkeypatch):
    """Every stage runs with --threads (default 1) CPU threads, whatever
    the environment, the CPU count or --jobs say."""
    import importlib.util

    from bimem_mm.benchmark.det import DetRecipe
    src, tgt, out = pair
    monkeypatch.setenv('OMP_NUM_THREADS', '7')
    for recipe_cls in (ClsRecipe, DetRecipe):
        env = recipe_cls(src, tgt, out, seed=0).env()
        assert env['OMP_NUM_THREADS'] == env['MKL_NUM_THREADS'] == '1'
        assert env['PYTHONHASHSEED'] == '0'
    assert ClsRecipe(src, tgt, out, 0, threads=3).env()[
        'OMP_NUM_THREADS'] == '3'
    spec = importlib.util.spec_from_file_location(
        '_tool_benchmark', osp.join(stages.REPO, 'tools', 'benchmark.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    monkeypatch.setattr(os, 'cpu_count', lambda: 8)
    args = tool.parse_args(['--suite', 'demo'])
    assert (args.threads, args.jobs) == (1, 8)
    assert tool.parse_args(['--suite', 'demo', '--threads', '2']).jobs == 4
    assert tool.parse_args(['--suite', 'digits']).jobs == 1
    # the demo reports mean ± std over 3 seeds; other suites one seed
    assert args.seed_list == [0, 1, 2]
    assert tool.parse_args([]).seed_list == [0, 1, 2]
    assert tool.parse_args(['--suite', 'digits']).seed_list == [0]
    assert tool.parse_args(['--suite', 'demo', '--seeds', '4']).seed_list \
        == [4]
    with pytest.raises(SystemExit):
        tool.parse_args(['--threads', '0'])


def test_stage_iters_lengthen_one_stage_that_every_method_starts_from(pair):
    """--stage-iters warmup=2: the warm-up trains 2x --iters, max_iters
    included; dine, bimem and bimem_plus (via its half DINE run) all load
    that one warm-up and keep their own budget; an unknown stage is an
    error and the flag is parsed and checked by tools/benchmark.py."""
    import importlib.util

    from bimem_mm.benchmark.det import DetRecipe
    src, tgt, out = pair
    runner = RecordingRunner()
    recipe = DetRecipe(src, tgt, out, seed=0, iters=10, runner=runner,
                       stage_iters={'warmup': 2.0})
    recipe.metric_value = lambda metrics: 0.0
    recipe.run(['warmup', 'dine', 'bimem', 'bimem_plus'])
    trained = runner.trained
    assert trained['warmup'][:2] == (20, 'train_cfg.max_iters=20')
    warm = 'load_from=' + osp.join(out, 'warmup', 'iter_20.pth')
    for stage in ('dine', 'dine_half'):
        assert trained[stage][2] == [warm], stage
    # bimem's memory is initialised from that warm-up
    init = [args for tool, args in runner.tools if tool == 'init_memory.py'
            and args[2:4] == ['--out', osp.join(out, 'bimem',
                                                'memory_init.pth')]]
    assert init and init[0][1] == warm[len('load_from='):]
    assert trained['dine'][:2] == (10, 'train_cfg.max_iters=10')
    assert trained['bimem'][0] == 10
    assert trained['dine_half'][0] == trained['bimem_plus'][0] == 5
    # the class default is untouched: det's warm-up trains 3x (chosen on
    # the dev pairs), --stage-iters warmup=1 the official length; no
    # factor (cls): every stage trains iters
    assert DetRecipe(src, tgt, out, seed=0, iters=10).stage_length(
        'warmup') == 30
    assert DetRecipe(src, tgt, out, seed=0, iters=10,
                     stage_iters={'warmup': 1.0}).stage_length('warmup') == 10
    assert ClsRecipe(src, tgt, out, seed=0, iters=10).stage_length(
        'warmup') == 10
    assert DetRecipe(src, tgt, out, seed=0, iters=10).stage_length(
        'bimem') == 10
    with pytest.raises(stages.StageError, match='warmpu'):
        DetRecipe(src, tgt, out, seed=0, stage_iters={'warmpu': 2.0})
    spec = importlib.util.spec_from_file_location(
        '_tool_benchmark', osp.join(stages.REPO, 'tools', 'benchmark.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    args = tool.parse_args(['--suite', 'digits', '--stage-iters',
                            'warmup=2.5'])
    assert args.stage_factors == {'warmup': 2.5}
    for bad in ('warmup', 'warmup=0', 'warmup=x', '=2'):
        with pytest.raises(SystemExit):
            tool.parse_args(['--suite', 'digits', '--stage-iters', bad])
    with pytest.raises(SystemExit):
        tool.parse_args(['--suite', 'paper', '--stage-iters', 'warmup=2'])


def test_report_names_method_options_and_reads_older_csv(tmp_path):
    """A rerun of one seed with --method-options into the same --out sits
    beside the default row, labelled in the tables and not pooled with
    the other seeds; a rerun with the same options replaces its row; a
    csv written before the options column reads back as without
    options."""
    rows = []
    for seed, value, options in ((0, 50.0, ''), (1, 54.0, ''),
                                 (1, 61.0, 'model.refiner.temperature=0.3'),
                                 (1, 60.0, 'model.refiner.temperature=0.3')):
        rows = report.upsert(rows, dict(
            task='cls', pair='a->b', method='bimem', metric='top1',
            value=value, seed=seed, config='c.py', options=options))
    assert len(rows) == 3
    path = tmp_path / 'results.csv'
    report.write_rows(str(path), rows)
    back = report.read_rows(str(path))
    labels = [s['method'] for s in report.summarise(back)]
    assert labels == ['bimem', 'bimem [model.refiner.temperature=0.3]']
    pivot = report.pivot_markdown(back + [dict(
        task='cls', pair='a->b', method='dine', metric='top1', value=40,
        seed=0, config='d.py')])
    assert '| bimem | 52.00 ± 2.83 |' in pivot
    assert '| bimem [model.refiner.temperature=0.3] | 60.00 ± 0.00 ' \
        '(seed 1) |' in pivot
    assert pivot.index('| dine |') < pivot.index('| bimem |') < \
        pivot.index('| bimem [model')
    old = tmp_path / 'old.csv'
    old.write_text('task,pair,method,metric,value,seed,config\n'
                   'cls,a->b,dine,top1,40.00,0,d.py\n')
    older = report.read_rows(str(old))
    assert report.summarise(older)[0]['method'] == 'dine'
    report.write_rows(str(old), older)
    assert report.read_rows(str(old))[0]['options'] == ''


def test_row_options_name_the_stage_factors_a_method_depends_on(pair):
    """results.csv's options of a run with --stage-iters: each method's
    row names the factors of the stages it depends on that differ from
    the recipe's own (a default run: ''), after its --method-options, so
    that a variant run neither replaces nor pools with the default."""
    from bimem_mm.benchmark.det import DetRecipe
    src, tgt, out = pair
    methods = ('black_box', 'warmup', 'dine', 'bimem', 'bimem_no_long',
               'bimem_plus', 'oracle')

    def rows(recipe_cls, **kwargs):
        recipe = recipe_cls(src, tgt, out, seed=0, iters=10, **kwargs)
        return {m: recipe.row_options(m) for m in methods}

    assert set(rows(DetRecipe).values()) == {''}
    # det's own warm-up factor is 3: asking for 3 is the default
    assert set(rows(DetRecipe, stage_iters={'warmup': 3.0}).values()) \
        == {''}
    official = rows(DetRecipe, stage_iters={'warmup': 1.0})
    assert official['black_box'] == official['oracle'] == ''
    for m in methods[1:-1]:
        assert official[m] == '--stage-iters warmup=1', m
    longer = rows(DetRecipe, stage_iters={'bimem': 2.0, 'dine_half': 0.75,
                                          'black_box': 2.0})
    assert longer['oracle'] == ''
    assert longer['warmup'] == longer['dine'] == \
        longer['bimem_no_long'] == '--stage-iters black_box=2'
    assert longer['bimem'] == ('--stage-iters black_box=2 '
                               '--stage-iters bimem=2')
    assert longer['bimem_plus'] == ('--stage-iters black_box=2 '
                                    '--stage-iters dine_half=0.75')
    # cls's own DINE start is 3/4 of the budget; half is the variant
    assert rows(ClsRecipe, stage_iters={'dine_half': 0.75})['bimem_plus'] \
        == ''
    assert rows(ClsRecipe, stage_iters={'dine_half': 0.5})['bimem_plus'] \
        == '--stage-iters dine_half=0.5'
    both = rows(ClsRecipe, stage_iters={'warmup': 2.0}, method_options={
        'bimem': ['model.refiner.temperature=0.3']})
    assert both['bimem'] == ('model.refiner.temperature=0.3 '
                             '--stage-iters warmup=2')
    assert both['dine'] == '--stage-iters warmup=2'
