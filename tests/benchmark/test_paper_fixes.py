"""The paper suite's command line and stage bookkeeping (issue 10 causes
2-5, issue 12 items 5 and 12): each test failed before its fix."""
import importlib
import os.path as osp
import sys
import urllib.error

import pytest
from test_benchmark_paper import benchmark, option, run_main, write_store

from bimem_mm.benchmark import paper, paper_options, stages
from bimem_mm.benchmark.stages import REPO


# --- issue 10, cause 2: the METRICS registry ----------------------------
def test_registry_locations_exist_and_build_the_synthia_metric():
    from bimem_mm import registry
    for name in dir(registry):
        reg = getattr(registry, name)
        for location in getattr(reg, '_locations', None) or []:
            importlib.import_module(location)       # was bimem_mm.evaluation
    from mmseg.registry import METRICS
    from mmseg.utils import register_all_modules
    register_all_modules()
    metric = METRICS.build(dict(type='bimem_mm.SubsetIoUMetric',
                                iou_metrics=['mIoU'],
                                subsets=dict(mIoU13=['road', 'sky'])))
    assert type(metric).__name__ == 'SubsetIoUMetric'


# --- cause 3: schedules scaled to a few iterations -------------------------
@pytest.mark.parametrize('n', [1, 2, 4, 10])
def test_scaled_schedules_stay_valid(n):
    import torch
    from mmengine.optim import OptimWrapper
    from mmengine.registry import PARAM_SCHEDULERS
    schedule = paper.Schedule(False, 20000, (
        dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
             end=500),
        dict(type='MultiStepLR', by_epoch=False, begin=0, end=20000,
             milestones=[15000, 17000, 19990], gamma=0.1)))
    opts = dict(o.split('=', 1) for o in
                paper.scaled_iteration_options(schedule, n))
    assert int(opts['param_scheduler.0.end']) >= 1      # was 0 for n < 20
    milestones = eval(opts['param_scheduler.1.milestones'])
    assert milestones == sorted(set(milestones))         # distinct
    optim = OptimWrapper(torch.optim.SGD([torch.zeros(1, requires_grad=True)
                                          ], lr=0.1))
    for i, s in enumerate(schedule.schedulers):
        cfg = dict(s, begin=int(opts.get(f'param_scheduler.{i}.begin',
                                         s['begin'])),
                   end=int(opts[f'param_scheduler.{i}.end']))
        if 'milestones' in s:
            cfg['milestones'] = milestones
        PARAM_SCHEDULERS.build(cfg, default_args=dict(optimizer=optim))


# --- cause 4: the suite made small from its command line --------------------
def test_method_options_keep_commas_inside_brackets():
    opts = benchmark.method_options(
        ['warmup:crop_size=(64,128),x.y=[1,2],name="a,b",k=1'])
    assert opts == {'warmup': ['crop_size=(64,128)', 'x.y=[1,2]',
                               'name="a,b"', 'k=1']}
    for bad in ('warmup:a=(1,2', 'warmup', 'warmup:noequals'):
        with pytest.raises(ValueError, match='--method-options'):
            benchmark.method_options([bad])


@pytest.mark.parametrize('argv,message', [
    (['--tasks', ','], '--tasks'), (['--tasks', 'cls,xyz'], 'unknown xyz'),
    (['--seeds', 'abc'], '--seeds'), (['--seeds', '0,,1'], '--seeds'),
    (['--method-options', 'bimem:a=(1'], 'unbalanced'),
    (['--suite', 'paper', '--benchmark', 'office31/a2w', '--cfg-options',
      'data_root=x'], 'use --data-root')])
def test_bad_arguments_are_usage_errors(argv, message, capsys):
    """issue 12 item 12: a usage line, not a traceback."""
    with pytest.raises(SystemExit) as err:
        benchmark.main(argv + ['--dry-run'])
    assert err.value.code == 2
    assert message in capsys.readouterr().err


def test_suite_options_reach_every_stage(tmp_path, capsys):
    """--cfg-options, --image-scale and --no-pretrained reach training,
    memory init, the tests, both sides of the predictions and the black
    box's own test; keys of the store are relative to the dataset root."""
    root = tmp_path / 'data'
    commands, _ = run_main(
        capsys, '--suite', 'paper', '--benchmark', 'gta5->cityscapes',
        '--blackbox-checkpoint', str(tmp_path / 'bb.pth'), '--data-root',
        str(root), '--out', str(tmp_path / 'out'), '--iters', '2',
        '--methods', 'black_box,warmup,bimem', '--image-scale', '0.0625',
        '--no-pretrained', '--cfg-options', 'train_dataloader.batch_size=1',
        '--method-options',
        'warmup:train_dataloader.dataset.pipeline.3.crop_size=(16,32)',
        '--dry-run')
    argv = dict(commands)
    assert len(argv) == 7
    for label, cmd in argv.items():
        assert 'train_dataloader.batch_size=1' in cmd, label
    predict = argv['seg black-box predictions']
    model_opts = predict[predict.index('--model-cfg-options'):
                         predict.index('--cfg-options')]
    assert 'test_dataloader.dataset.pipeline.1.scale=(128,64)' in model_opts
    assert 'model.backbone.init_cfg=None' in model_opts
    assert predict[predict.index('--key-root') + 1] == f'{root}/cityscapes/'
    warm = argv['seg train warmup']
    assert option(warm, 'model.model.backbone.init_cfg') == 'None'
    assert option(warm, 'train_dataloader.dataset.pipeline.2.scale') == \
        '(138,69)'
    # the method's own option comes last, so it wins over the scaling
    crops = [a for a in warm if a.startswith(
        'train_dataloader.dataset.pipeline.3.crop_size=')]
    assert crops == ['train_dataloader.dataset.pipeline.3.crop_size=(32,56)',
                     'train_dataloader.dataset.pipeline.3.crop_size=(16,32)']
    assert option(argv['seg test black_box'],
                  'test_dataloader.dataset.pipeline.1.scale') == '(128,64)'
    # LinearLR-free seg schedule at 2 iterations: poly 0 -> 2
    assert option(warm, 'param_scheduler.0.end') == '2'


def test_predict_blackbox_finds_key_root_of_every_store_reader():
    """cause 1: the seg and det readers' key_root is what predictions
    are keyed by (it was read from LoadBlackBoxPrediction only)."""
    spec = importlib.util.spec_from_file_location(
        '_predict', osp.join(REPO, 'tools', 'predict_blackbox.py'))
    predict = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(predict)
    cfg = paper_options.load(
        'configs/seg/gta5_to_cityscapes/warmup_deeplabv2_r101_gta5.py')
    assert predict.configured_key_root(cfg, 'train') == 'data/cityscapes/'


# --- cause 5: pretrained weights, checked before anything runs -------------
def test_missing_pretrained_weights_are_named_up_front(tmp_path,
                                                       monkeypatch):
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch'))
    config = 'configs/seg/gta5_to_cityscapes/warmup_deeplabv2_r101_gta5.py'

    def offline(url, path):
        raise urllib.error.URLError('no network')
    with pytest.raises(FileNotFoundError) as err:
        paper_options.check_pretrained([(config, [])], download=offline)
    message = str(err.value)
    assert 'model.model.backbone.init_cfg loads torchvision://resnet101' in \
        message
    assert str(tmp_path / 'torch') in message and 'no network' in message
    assert '--no-pretrained' in message
    # a local copy named by --cfg-options is checked as a file
    local = str(tmp_path / 'r101.pth')
    opts = [f'model.model.backbone.init_cfg.checkpoint={local}']
    with pytest.raises(FileNotFoundError, match=f'{local} not found'):
        paper_options.check_pretrained([(config, opts)], download=offline)
    open(local, 'wb').close()
    paper_options.check_pretrained([(config, opts)], download=offline)
    # the suite stops before any stage, naming the file
    store = write_store(tmp_path / 'store', 'seg', 19)
    (tmp_path / 'data' / 'cityscapes').mkdir(parents=True)
    monkeypatch.setattr(paper_options, '_download', offline)
    with pytest.raises(SystemExit, match='torchvision://resnet101'):
        benchmark.main(['--suite', 'paper', '--benchmark',
                        'gta5->cityscapes', '--blackbox-store', store,
                        '--data-root', str(tmp_path / 'data'), '--out',
                        str(tmp_path / 'out')])
    assert not (tmp_path / 'out').exists()


def test_size_options_scale_every_pipeline():
    opts = paper_options.size_options(
        'configs/det/cityscapes_foggy/warmup_foggy.py', 0.125)
    assert ('train_dataloader.dataset.pipeline.2.scale=[(256,100),(256,128)]'
            in opts)
    assert 'memory_init_dataloader.dataset.pipeline.2.scale=(256,128)' in opts
    assert 'test_dataloader.dataset.pipeline.1.scale=(256,128)' in opts
    cls = paper_options.size_options(
        'configs/cls/office31/bimem_resnet50_office31.py', 0.125)
    assert 'train_dataloader.dataset.pipeline.2.scale=28' in cls
    assert 'val_dataloader.dataset.pipeline.2.crop_size=28' in cls
    assert paper_options.size_options(
        'configs/cls/office31/bimem_resnet50_office31.py', 1) == []


# --- issue 12 item 5: stale stages are redone ------------------------------
def _fake_tool(monkeypatch):
    """stages.command runs a script that writes its arguments to the file
    after --out (and reads nothing)."""
    script = ('import sys; a = sys.argv[1:]; '
              "open(a[a.index('--out') + 1], 'w').write(' '.join(a))")
    monkeypatch.setattr(stages, 'command', lambda tool, args, gpus=1: [
        sys.executable, '-c', script] + list(args))


def test_stages_rerun_when_their_command_or_inputs_change(
        tmp_path, monkeypatch, capsys):
    _fake_tool(monkeypatch)
    a, b = str(tmp_path / 'a.txt'), str(tmp_path / 'b.txt')
    log = str(tmp_path / 'log')
    runner = stages.StageRunner()

    def stage_a(value):
        return runner.run_tool('a', ['--out', a, f'x={value}'], log, a, 'A')

    def stage_b():
        return runner.run_tool('b', ['--out', b, f'load_from={a}'], log, b,
                               'B')
    assert stage_a(1) > 0 and stage_b() > 0
    capsys.readouterr()
    assert stage_a(1) == 0 and stage_b() == 0          # same: reused
    assert capsys.readouterr().out.count('skipped (done)') == 2
    assert stage_a(2) > 0                              # other options
    assert open(a).read().endswith('x=2')
    assert stage_b() > 0                               # its input changed
    assert 'made by another command' in capsys.readouterr().out
    assert stage_b() == 0
    # an output from before the records (or a crash) is redone
    stages._forget(b)
    assert stage_b() > 0
    # other --threads: other numbers, so the stage runs again (the
    # default, one thread, keeps the records of plain commands)
    capsys.readouterr()
    assert runner.run_tool('b', ['--out', b, f'load_from={a}'], log, b, 'B',
                           dict(OMP_NUM_THREADS='1')) == 0
    assert runner.run_tool('b', ['--out', b, f'load_from={a}'], log, b, 'B',
                           dict(OMP_NUM_THREADS='2')) > 0
    assert runner.run_tool('b', ['--out', b, f'load_from={a}'], log, b, 'B',
                           dict(OMP_NUM_THREADS='2')) == 0
    assert stage_b() > 0
    # the dry run says which stages a run would redo
    stages.StageRunner(dry_run=True).run_tool('a', ['--out', a, 'x=3'], log,
                                              a, 'A')
    assert 'a run redoes it' in capsys.readouterr().out


def test_resume_only_an_interrupted_run_of_the_same_command(tmp_path):
    done = str(tmp_path / 'iter_4.pth')
    cmd = ['train.py', 'cfg.py', 'x=1', '--resume', 'iter_2.pth']
    assert '--resume' not in stages._resume_only_same(list(cmd), done)
    # the same command after an interruption resumes
    assert '--resume' in stages._resume_only_same(list(cmd), done)
    other = ['train.py', 'cfg.py', 'x=2', '--resume', 'iter_2.pth']
    assert '--resume' not in stages._resume_only_same(other, done)


def test_callable_black_box_and_one_black_box_only(tmp_path):
    store = write_store(tmp_path / 'store', 'cls', 31)
    bench = paper.get('office31/a2w')
    bb = paper.black_box_for(bench, None, None, None, False, 'm:f')
    assert bb.callable == 'm:f'
    with pytest.raises(paper.PaperSetupError, match='one black box'):
        paper.black_box_for(bench, None, None, store, False, 'm:f')
    with pytest.raises(paper.PaperSetupError, match='module:function'):
        paper.black_box_for(bench, None, None, None, False, 'nocolon')


def test_suite_options_skip_configs_without_their_parent_keys():
    """--cfg-options go to every config that has the key's parents: not
    the wrapped model's keys to the black box's plain model, not the
    memory-init loader to a config without one."""
    opts = ['train_dataloader.batch_size=1', 'val_cfg=None',
            'memory_init_dataloader.num_workers=0',
            'model.model.backbone.depth=18', 'model.backbone.depth=18']
    bb = 'configs/seg/gta5_to_cityscapes/blackbox_deeplabv2_r101_gta5.py'
    assert paper_options.applicable(bb, opts) == [
        'train_dataloader.batch_size=1', 'val_cfg=None',
        'model.backbone.depth=18']
    warm = 'configs/seg/gta5_to_cityscapes/warmup_deeplabv2_r101_gta5.py'
    assert paper_options.applicable(warm, opts) == opts[:4]


def test_stage_runner_holds_the_flags(tmp_path, capsys):
    # issue 13: no module state; the flags live in the runner
    assert not any(hasattr(stages, n) for n in ('DRY_RUN', 'GPUS', 'LIVE'))
    assert '--nproc_per_node=2' in stages.command('train.py', ['c.py'], 2)
    assert 'torch.distributed.run' not in stages.command(
        'predict_blackbox.py', ['c.py'], 2)
    stages.StageRunner(live=True).show('x', final=False)
    assert capsys.readouterr().out == '\r\033[Kx'
    stages.StageRunner().show('x', final=False)
    assert capsys.readouterr().out == ''
    dry = stages.StageRunner(dry_run=True, gpus=3)
    metrics = dry.test('c.py', 'k.pth', str(tmp_path / 't'), ['a=1'],
                       str(tmp_path / 'log'), 'T')
    out = capsys.readouterr().out
    assert metrics is None and '--nproc_per_node=3' in out and 'a=1' in out
    assert not (tmp_path / 't').exists() and not (tmp_path / 'log').exists()
