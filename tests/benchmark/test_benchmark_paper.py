"""tools/benchmark.py --suite paper: the benchmark table, the checks on the
given black box, and the stage chain (--dry-run: no data, no weights)."""
import argparse
import importlib.util
import os
import os.path as osp
import re
import shlex

import numpy as np
import pytest
from mmengine.config import Config, DictAction

from bimem_mm.benchmark import paper, stages
from bimem_mm.benchmark.stages import REPO
from bimem_mm.store import PredictionWriter


def _load_tool(name):
    spec = importlib.util.spec_from_file_location(
        f'_tool_{name}', osp.join(REPO, 'tools', f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


benchmark = _load_tool('benchmark')


def run_main(capsys, *argv):
    """tools/benchmark.py's main in-process: the printed commands as
    (label, argv) pairs, and the whole output."""
    benchmark.main(list(argv))
    out = capsys.readouterr().out
    lines = out.splitlines()
    commands = [(lines[i][2:], without_env(shlex.split(lines[i + 1])))
                for i in range(len(lines) - 1)
                if lines[i].startswith('# ') and not lines[i].startswith(
                    '# dry run')]
    return commands, out


def without_env(argv):
    """A printed command without its ``NAME=value`` environment prefix,
    which pins the stage's threads (tools/benchmark.py --threads)."""
    n = 0
    while n < len(argv) and re.fullmatch(r'[A-Z_]+=\S*', argv[n]):
        n += 1
    assert argv[:n] == ['OMP_NUM_THREADS=1', 'MKL_NUM_THREADS=1',
                        'PYTHONHASHSEED=0'], argv[:n]
    return argv[n:]


def tool_of(argv):
    return osp.basename(next(a for a in argv if a.endswith('.py')
                             and '/tools/' in a))


def option(argv, key):
    """The value of ``key=`` among a command's --cfg-options."""
    values = [a.split('=', 1)[1] for a in argv if a.startswith(f'{key}=')]
    assert len(values) == 1, (key, argv)
    return values[0]


def write_store(path, task, num_classes):
    writer = PredictionWriter(str(path), task,
                              [str(i) for i in range(num_classes)], 'topk',
                              3)
    shape = {'cls': (), 'seg': (2, 2), 'det': (1, )}[task]
    boxes = dict(bboxes=[[0, 0, 4, 4]], scores=[0.9], img_shape=(8, 8)) \
        if task == 'det' else {}
    writer.add('img0', np.full(shape + (num_classes, ), 1.0 / num_classes),
               **boxes)
    return writer.close()


def test_every_benchmark_has_its_configs():
    assert {'office31/a2w', 'office31/w2d', 'officehome/ar2cl',
            'officehome/rw2pr', 'visda2017/syn2real', 'gta5->cityscapes',
            'synthia->cityscapes', 'cityscapes->foggy'} <= set(
                paper.BENCHMARKS)
    assert len([n for n in paper.BENCHMARKS if n.startswith('office31/')]
               ) == 6
    assert len([n for n in paper.BENCHMARKS if n.startswith('officehome/')]
               ) == 12
    for bench in paper.BENCHMARKS.values():
        for method, config in bench.configs.items():
            assert osp.isfile(osp.join(REPO, config)), (bench.name, method)
        for method in ('warmup', 'dine', 'bimem', 'bimem_no_short',
                       'bimem_no_long', 'bimem_plus', 'black_box'):
            assert method in bench.methods
        assert ('oracle' in bench.methods) == (bench.task == 'det')
    assert paper.get('synthia->cityscapes').metric == ('mIoU16', 'mIoU')
    assert paper.get('cityscapes->foggy').metric == ('mAP50',
                                                     'pascal_voc/mAP')
    assert paper.get('office31/d2w').target_prefix == 'webcam/images'
    assert paper.get('officehome/ar2rw').target_prefix == 'Real_World'


def test_list_and_unknown_benchmark(capsys):
    benchmark.main(['--list'])
    listed = capsys.readouterr().out
    for name in paper.BENCHMARKS:
        assert name in listed
    with pytest.raises(SystemExit) as err:
        benchmark.main(['--suite', 'paper', '--benchmark', 'office31/a2x',
                        '--dry-run'])
    message = str(err.value.code)
    assert "unknown paper benchmark 'office31/a2x'" in message
    assert 'office31/a2w' in message and 'gta5->cityscapes' in message
    with pytest.raises(SystemExit, match='needs --benchmark'):
        benchmark.main(['--suite', 'paper', '--dry-run'])


def test_store_without_manifest_is_named(tmp_path):
    store = tmp_path / 'store'
    store.mkdir()
    (store / 'shard-00000.npz').write_bytes(b'')
    with pytest.raises(SystemExit) as err:
        benchmark.main(['--suite', 'paper', '--benchmark', 'office31/a2w',
                        '--blackbox-store', str(store), '--dry-run'])
    assert f'{store}/manifest.json not found' in str(err.value.code)
    # a complete store of another task / class count is refused too
    for task, classes in (('seg', 31), ('cls', 12)):
        other = write_store(tmp_path / f'{task}{classes}', task, classes)
        with pytest.raises(SystemExit, match='needs cls over 31'):
            benchmark.main(['--suite', 'paper', '--benchmark',
                            'office31/a2w', '--blackbox-store', other,
                            '--dry-run'])


def test_black_box_arguments_are_checked(tmp_path):
    store = write_store(tmp_path / 'store', 'cls', 31)
    cases = [
        (['--blackbox-store', store, '--blackbox-checkpoint', 'x.pth'],
         'one black box'),
        (['--blackbox-config', 'configs/cls/office31/'
          'blackbox_resnet50_office31.py'], 'needs --blackbox-checkpoint'),
        ([], 'adaptation needs the black box'),
        (['--blackbox-store', store, '--methods', 'black_box'],
         'evaluating black_box needs its model'),
        (['--blackbox-store', store, '--methods', 'oracle'],
         'no method'),
    ]
    for extra, message in cases:
        with pytest.raises(SystemExit, match=message):
            benchmark.main(['--suite', 'paper', '--benchmark',
                            'office31/a2w', '--dry-run'] + extra)
    # outside a dry run the checkpoint and the dataset folder must exist
    with pytest.raises(SystemExit, match='no such file'):
        benchmark.main(['--suite', 'paper', '--benchmark', 'office31/a2w',
                        '--blackbox-checkpoint', str(tmp_path / 'no.pth')])
    with pytest.raises(SystemExit,
                       match=re.escape(f'{tmp_path}/data/office31 not')):
        benchmark.main(['--suite', 'paper', '--benchmark', 'office31/a2w',
                        '--blackbox-store', store, '--data-root',
                        str(tmp_path / 'data')])
    # paper flags belong to the paper suite
    with pytest.raises(SystemExit):
        benchmark.parse_args(['--suite', 'demo', '--data-root', 'x'])


def test_black_box_per_benchmark():
    names = ['office31/a2w', 'office31/d2w']
    assert paper.per_benchmark(['office31/d2w=d.pth', 'a.pth'], names,
                               '--x') == {'office31/a2w': 'a.pth',
                                          'office31/d2w': 'd.pth'}
    assert paper.per_benchmark(['x=1.pth'], names, '--x') == {
        n: 'x=1.pth' for n in names}          # not a benchmark name
    with pytest.raises(paper.PaperSetupError, match='not one of'):
        paper.per_benchmark(['office31/w2a=w.pth'], names, '--x')
    with pytest.raises(paper.PaperSetupError, match='without NAME='):
        paper.per_benchmark(['a.pth', 'b.pth'], names, '--x')


def test_dry_run_seg_chain_from_a_black_box_model(tmp_path, capsys):
    bb_config = tmp_path / 'my_blackbox.py'       # the user's own config
    bb_config.write_text("_base_ = ['mmseg::_base_/models/deeplabv3_r50-d8"
                         ".py']\n")
    ckpt = str(tmp_path / 'bb.pth')               # need not exist
    out = tmp_path / 'out'
    commands, text = run_main(
        capsys, '--suite', 'paper', '--benchmark', 'gta5->cityscapes',
        '--blackbox-config', str(bb_config), '--blackbox-checkpoint', ckpt,
        '--data-root', str(tmp_path / 'data'), '--out', str(out),
        '--methods', 'black_box,warmup,bimem', '--dry-run')
    assert [(tool_of(c), label) for label, c in commands] == [
        ('test.py', 'seg test black_box'),
        ('predict_blackbox.py', 'seg black-box predictions'),
        ('train.py', 'seg train warmup'),
        ('test.py', 'seg test warmup'),
        ('init_memory.py', 'seg init memory bimem'),
        ('train.py', 'seg train bimem'),
        ('test.py', 'seg test bimem')]
    argv = [c for _, c in commands]
    seg = 'configs/seg/gta5_to_cityscapes/'
    root = f'{tmp_path}/data/cityscapes/'
    run = f'{out}/seg/gta5_to_cityscapes'
    store = f'{run}/blackbox_store'
    # the black box: evaluated on the target val set, then queried
    assert argv[0][2:4] == [str(bb_config), ckpt]
    assert option(argv[0], 'test_dataloader.dataset.data_root') == root
    predict = argv[1]
    assert predict[2] == seg + 'warmup_deeplabv2_r101_gta5.py'
    for flag, value in (('--model', str(bb_config)), ('--checkpoint', ckpt),
                        ('--out', store), ('--task', 'seg'),
                        ('--downscale', '4'), ('--k', '3')):
        assert predict[predict.index(flag) + 1] == value
    assert option(predict, 'train_dataloader.dataset.data_root') == root
    assert option(predict, 'train_dataloader.dataset.pipeline.1.key_root'
                  ) == root
    # warm-up on the store, for the config's own 40k iterations
    warm = argv[2]
    assert warm[2] == seg + 'warmup_deeplabv2_r101_gta5.py'
    assert option(warm, 'train_dataloader.dataset.pipeline.1.store') == store
    assert not any(a.startswith('train_cfg.') for a in warm)
    assert argv[3][3] == f'{run}/seed0/warmup/iter_40000.pth'
    # memory init from the warm-up, BiMem from the memory checkpoint
    init = argv[4]
    assert init[2:4] == [seg + 'bimem_deeplabv2_r101_gta5.py',
                         f'{run}/seed0/warmup/iter_40000.pth']
    memory = f'{run}/seed0/bimem/memory_init.pth'
    assert init[init.index('--out') + 1] == memory
    assert option(argv[5], 'load_from') == memory
    assert argv[5][2] == seg + 'bimem_deeplabv2_r101_gta5.py'
    assert argv[6][3] == f'{run}/seed0/bimem/iter_90000.pth'
    assert 'nothing was run or written' in text
    assert not out.exists()                      # no results.csv, no logs


def test_dry_run_cls_chain_from_a_store(tmp_path, capsys):
    store = write_store(tmp_path / 'store', 'cls', 31)
    out = tmp_path / 'out'
    commands, _ = run_main(
        capsys, '--suite', 'paper', '--benchmark', 'office31/w2d',
        '--blackbox-store', store, '--out', str(out), '--methods',
        'warmup,bimem,bimem_plus', '--iters', '1000', '--seeds', '3',
        '--method-options', 'bimem:model.refiner.temperature=10',
        '--dry-run')
    labels = [label for label, _ in commands]
    assert labels == ['cls train warmup', 'cls test warmup',
                      'cls init memory bimem', 'cls train bimem',
                      'cls test bimem', 'cls train dine_half',
                      'cls init memory bimem_plus', 'cls train bimem_plus',
                      'cls test bimem_plus']    # the store is not remade
    argv = dict(commands)
    run = f'{out}/cls/office31/w2d/seed3'
    warm = argv['cls train warmup']
    assert option(warm, 'train_dataloader.dataset.pipeline.1.store') == store
    for loader in ('train', 'memory_init', 'val', 'test'):
        assert option(warm, f'{loader}_dataloader.dataset.data_prefix') == \
            'dslr/images'
    assert option(warm, 'randomness.seed') == '3'
    assert option(warm, 'train_cfg.max_iters') == '1000'
    assert option(warm, 'param_scheduler.0.end') == '1000'
    bimem = argv['cls train bimem']
    assert option(bimem, 'load_from') == f'{run}/bimem/memory_init.pth'
    assert option(bimem, 'model.refiner.temperature') == '10'
    # bimem_plus: DINE for half the budget, then bimem_plus for the rest
    dine = argv['cls train dine_half']
    assert dine[2] == 'configs/cls/office31/dine_resnet50_office31.py'
    assert option(dine, 'load_from') == f'{run}/warmup/iter_1000.pth'
    assert option(dine, 'train_cfg.max_iters') == '500'
    init = argv['cls init memory bimem_plus']
    assert init[3] == f'{run}/dine_half/iter_500.pth'
    plus = argv['cls train bimem_plus']
    assert plus[2] == 'configs/cls/office31/bimem_plus_resnet50_office31.py'
    assert option(plus, 'load_from') == f'{run}/bimem_plus/memory_init.pth'
    assert argv['cls test bimem_plus'][3] == f'{run}/bimem_plus/iter_500.pth'
    assert not out.exists()


def test_dry_run_det_multi_gpu_epoch_oracle_and_resume(tmp_path, capsys):
    out = tmp_path / 'out'
    work = out / 'det' / 'cityscapes_to_foggy' / 'seed0' / 'warmup'
    work.mkdir(parents=True)
    (work / 'iter_5000.pth').write_bytes(b'')
    (work / 'last_checkpoint').write_text(str(work / 'iter_5000.pth'))
    commands, _ = run_main(
        capsys, '--suite', 'paper', '--benchmark', 'cityscapes->foggy',
        '--blackbox-checkpoint', str(tmp_path / 'bb.pth'), '--out',
        str(out), '--methods', 'warmup,oracle', '--gpus', '4', '--dry-run')
    argv = dict(commands)
    warm = argv['det train warmup']
    assert warm[1:3] == ['-m', 'torch.distributed.run']
    assert '--nproc_per_node=4' in warm and '--launcher' in warm
    assert warm[warm.index('--resume') + 1] == str(work / 'iter_5000.pth')
    predict = argv['det black-box predictions']
    assert 'torch.distributed.run' not in predict     # one process
    assert predict[predict.index('--model') + 1] == \
        'configs/det/cityscapes_foggy/source_only_cityscapes.py'
    # mmdet's epoch-based oracle recipe: its last epoch is the model
    assert any(a.endswith('seed0/oracle/epoch_8.pth')
               for a in argv['det test oracle'])


def _merged(config, options):
    """``config`` after ``--cfg-options options``, as tools/*.py read it."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    cfg = Config.fromfile(osp.join(REPO, config),
                          import_custom_modules=False)
    cfg.merge_from_dict(parser.parse_args(['--cfg-options']
                                          + options).cfg_options)
    return cfg


@pytest.mark.parametrize('name', ['officehome/pr2cl', 'synthia->cityscapes',
                                  'cityscapes->foggy'])
def test_options_reach_the_configs(name, tmp_path):
    """The cfg-options of every stage land on the datasets and on the
    transform that reads the store, in the committed configs."""
    bench = paper.get(name)
    store = write_store(tmp_path / 'store', bench.task, bench.num_classes)
    recipe = paper.PaperRecipe(
        bench, str(tmp_path / 'out' / 'seed0'), 0, iters=None,
        blackbox=paper.BlackBox(store=store), data_root=str(tmp_path))
    root = f'{tmp_path}/{bench.dataset}/'
    for method in ('warmup', 'dine', 'bimem', 'bimem_plus'):
        cfg = _merged(recipe.config(method), recipe.options(method))
        loaders = ['train_dataloader', 'val_dataloader', 'test_dataloader',
                   'memory_init_dataloader']
        for loader in loaders:
            ds = cfg[loader].dataset
            assert ds.data_root == root, (method, loader)
            if bench.task == 'cls':
                assert ds.data_prefix == 'Clipart'
        readers = [cfg.train_dataloader.dataset.pipeline[1]]
        if bench.task == 'det':
            readers.append(cfg.memory_init_dataloader.dataset.pipeline[1])
        for t in readers:
            assert t.type.startswith('bimem_mm.LoadBlackBox'), t
            assert t.store == store
            if bench.task != 'det':
                assert t.key_root == root
    if 'oracle' in bench.methods:
        cfg = _merged(recipe.config('oracle'), recipe.options('oracle'))
        assert cfg.train_dataloader.dataset.dataset.data_root == root


def test_scaled_schedule_and_config_budget():
    det_warmup = paper.schedule_of(
        'configs/det/cityscapes_foggy/warmup_foggy.py')
    assert (det_warmup.by_epoch, det_warmup.length) == (False, 20000)
    opts = paper.scaled_iteration_options(det_warmup, 2000)
    assert 'train_cfg.max_iters=2000' in opts
    assert 'param_scheduler.0.end=50' in opts          # linear warm-up
    assert 'param_scheduler.1.milestones=[1500]' in opts
    oracle = paper.schedule_of('configs/det/cityscapes_foggy/oracle_foggy.py')
    assert oracle.by_epoch and oracle.length == 8
    # --method-options that change the schedule are followed
    assert paper.schedule_of(
        'configs/cls/office31/bimem_resnet50_office31.py',
        ['randomness.seed=1', 'train_cfg.max_iters=300']).length == 300
    recipe = paper.PaperRecipe(paper.get('gta5->cityscapes'), 'o/seed0', 0)
    assert recipe.budget('bimem_plus') == 90000
    assert recipe.budget('warmup') == 40000


def test_metric_values():
    recipe = paper.PaperRecipe(paper.get('visda2017/syn2real'), 'o/s0', 0)
    metrics = {'accuracy/top1': 70.0,
               'single-label/recall_classwise': [50.0, 70.0, 90.0]}
    assert recipe.metric_value(metrics) == pytest.approx(70.0)
    det = paper.PaperRecipe(paper.get('cityscapes->foggy'), 'o/s0', 0)
    assert det.metric_value({'pascal_voc/mAP': 0.4}) == pytest.approx(40.0)
    with pytest.raises(stages.StageError, match="no 'pascal_voc/mAP'"):
        det.metric_value({'coco/bbox_mAP': 0.3})
    det = paper.PaperRecipe(paper.get('cityscapes->foggy'), 'o/s0', 0,
                            runner=stages.StageRunner(dry_run=True))
    assert np.isnan(det.evaluate('bimem', 'ckpt.pth'))
    # tools/test.py writes per-class metrics (VisDA's) as lists
    test_tool = _load_tool('test')
    assert test_tool.json_value(np.float32(2.5)) == 2.5
    assert test_tool.json_value(np.array([1.0, 2.0])) == [1.0, 2.0]


def test_digit_suite_dry_run_prints_the_same_chain(tmp_path, capsys):
    """--dry-run on the other suites: their usual commands, nothing
    written."""
    def npz(name):
        path = str(tmp_path / name)
        x, y = np.zeros((4, 16, 16), np.uint8), np.zeros(4, np.int64)
        np.savez(path, x_train=x, y_train=y, x_test=x, y_test=y)
        return path
    src, tgt = npz('src.npz'), npz('tgt.npz')
    out = tmp_path / 'out'
    commands, _ = run_main(capsys, '--pair', f'{src}:{tgt}', '--tasks',
                           'cls', '--methods', 'black_box,bimem', '--iters',
                           '7', '--out', str(out), '--dry-run')
    assert [label for label, _ in commands] == [
        'cls train black_box', 'cls test black_box',
        'cls black-box predictions', 'cls train warmup',
        'cls init memory bimem', 'cls train bimem', 'cls test bimem']
    argv = dict(commands)
    assert argv['cls train black_box'][2] == \
        'configs/cls/digits/blackbox_digits.py'
    assert option(argv['cls train bimem'], 'train_cfg.max_iters') == '7'
    assert not os.path.exists(out)
