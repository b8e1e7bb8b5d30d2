"""``tools/benchmark.py --suite paper`` end to end, one benchmark of every
family, on the miniature datasets in the real layouts: black-box
predictions -> warm-up -> memory init -> dine, bimem, bimem_plus -> test
(the sibling families: up to bimem; ``BIMEM_PAPER_FULL=1``: all of it),
through the committed paper configs, made small from the command line
only (the same command at full size is in docs/*.md, "paper scale")."""
import csv
import math
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from bimem_mm.benchmark.stages import REPO

pytestmark = pytest.mark.slow

BB = 'bimem_mm.datasets.miniature.blackbox:'
# a smaller backbone, one --cfg-options line per task (the paper's are
# ResNet-50 / DeepLabV2-R101 / Faster R-CNN R50-FPN)
SMALL = {
    'cls': ['model.model.backbone.depth=18',
            'model.model.backbone.base_channels=16',
            'model.model.backbone.stem_channels=16',
            'model.model.head.in_channels=128'],
    'seg': ['model.model.backbone.depth=18',
            'model.model.backbone.base_channels=16',
            'model.model.backbone.stem_channels=16',
            'model.model.decode_head.in_channels=128',
            'model.model.decode_head.channels=64'],
    'det': ['model.model.backbone.depth=18',
            'model.model.backbone.base_channels=16',
            'model.model.backbone.stem_channels=16',
            'model.model.neck.in_channels=[16,32,64,128]',
            'model.model.neck.out_channels=64',
            'model.model.rpn_head.in_channels=64',
            'model.model.rpn_head.feat_channels=64',
            'model.model.roi_head.bbox_roi_extractor.out_channels=64',
            'model.model.roi_head.bbox_head.in_channels=64',
            'model.model.roi_head.bbox_head.fc_out_channels=128'],
}
# batches of 2 loaded in the main process; no validation inside training
# (tools/test.py evaluates each stage's last iterate right after)
LOADERS = ['train_dataloader.batch_size=2',
           'train_dataloader.num_workers=0',
           'train_dataloader.persistent_workers=False',
           'memory_init_dataloader.num_workers=0',
           'test_dataloader.num_workers=0',
           'test_dataloader.persistent_workers=False',
           'val_dataloader=None', 'val_cfg=None', 'val_evaluator=None']
METHODS = ('dine', 'bimem', 'bimem_plus')
# CI time (every stage is a process importing torch and mm*, ~7 s of CPU):
# the whole chain (dine, bimem, bimem_plus) for one benchmark of each task;
# for the sibling families (same recipe and config structure, another
# layout, class list, metric or black-box route) the chain up to bimem.
# BIMEM_PAPER_FULL=1 runs the whole chain for every family.
SHORT = ('bimem', )
if os.environ.get('BIMEM_PAPER_FULL') == '1':
    SHORT = METHODS
# benchmark, task, black box (a callable, or None: a checkpoint trained
# here with tools/train.py on the benchmark's black-box config),
# --image-scale, methods
FAMILIES = [
    ('office31/a2w', 'cls', 'classify_office31', 0.125, METHODS),
    ('officehome/ar2cl', 'cls', 'classify_officehome', 0.125, SHORT),
    ('visda2017/syn2real', 'cls', None, 0.125, SHORT),
    ('gta5->cityscapes', 'seg', 'segment_cityscapes', 0.0625, METHODS),
    ('synthia->cityscapes', 'seg', None, 0.0625, SHORT),
    ('cityscapes->foggy', 'det', 'detect_cityscapes', 0.125, METHODS),
]
# one thread a stage: the tiny models gain nothing from more, and 2 cores
# are shared by the stage and its parent
ENV = dict(os.environ, OMP_NUM_THREADS=os.environ.get('OMP_NUM_THREADS',
                                                       '1'))


def command(bench, task, fn, scale, root, out, methods=METHODS):
    """The benchmark's command; ``fn`` a callable black box, or a
    checkpoint of the black-box config (``.pth``)."""
    if fn.endswith('.pth'):          # the black box's model, made small too
        small = [o.replace('model.model.', 'model.') for o in SMALL[task]]
        bb = ['--blackbox-checkpoint', fn, '--method-options',
              'black_box:' + ','.join(small)]
    else:
        bb = ['--blackbox-callable', BB + fn]
    return [sys.executable, osp.join(REPO, 'tools', 'benchmark.py'),
            '--suite', 'paper', '--benchmark', bench, '--data-root',
            str(root), '--methods', ','.join(methods), '--iters', '2',
            '--image-scale', str(scale), '--no-pretrained', '--out',
            str(out)] + bb + ['--cfg-options'] + LOADERS + SMALL[task]


def train_black_box(bench, task, scale, root, work_dir):
    """The source model: tools/train.py on the benchmark's black-box
    config (source images and labels), 2 iterations, as small as the
    target model; returns its checkpoint."""
    from bimem_mm.benchmark import paper, paper_options
    config = paper.get(bench).configs['black_box']
    # the SOURCE dataset, where the config's data/ folder keeps it
    source = osp.relpath(paper_options.load(config).train_dataloader
                         .dataset.data_root, 'data')
    opts = ([f'train_dataloader.dataset.data_root={root}/{source}/',
             'train_cfg.max_iters=2', 'param_scheduler.0.end=2']
            + paper_options.size_options(config, scale)
            + paper_options.no_pretrained_options(config)
            + paper_options.applicable(config, LOADERS)
            + [o.replace('model.model.', 'model.') for o in SMALL[task]])
    proc = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools', 'train.py'), config,
         '--work-dir', str(work_dir), '--cfg-options'] + opts,
        capture_output=True, text=True, cwd=REPO, env=ENV)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return str(work_dir / 'iter_2.pth')


def training_keys(run, task, config, root):
    """The store keys the warm-up's training set looks up."""
    from mmengine.config import Config, DictAction
    from mmengine.registry import DATASETS, init_default_scope
    from mmengine.utils import import_modules_from_strings

    from bimem_mm.benchmark import paper
    from bimem_mm.datasets.transforms import sample_key
    recipe = paper.PaperRecipe(paper.get(run), 'unused/seed0', 0,
                               data_root=str(root))
    cfg = Config.fromfile(osp.join(REPO, config))
    cfg.merge_from_dict({k: DictAction._parse_iterable(v) for k, _, v in (
        o.partition('=') for o in recipe.data_options('target'))})
    init_default_scope(cfg.default_scope)
    import_modules_from_strings(**cfg.custom_imports)
    ds_cfg = cfg.train_dataloader.dataset
    key_root = ds_cfg.pipeline[1].get('key_root')
    ds = DATASETS.build(dict(ds_cfg, pipeline=[]))
    return {sample_key(ds.get_data_info(i), key_root)
            for i in range(len(ds))}


@pytest.mark.parametrize('bench,task,fn,scale,methods', FAMILIES,
                         ids=[f[0] + ('' if f[2] else ' checkpoint')
                              for f in FAMILIES])
def test_paper_suite_runs_end_to_end(bench, task, fn, scale, methods,
                                     mini_root, tmp_path):
    out = tmp_path / 'out'
    if fn is None:
        fn = train_black_box(bench, task, scale, mini_root, tmp_path / 'bb')
        methods = ('black_box', ) + methods
    proc = subprocess.run(
        command(bench, task, fn, scale, mini_root, out, methods),
        capture_output=True, text=True, cwd=REPO, env=ENV)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    with open(out / 'results.csv') as f:
        rows = {r['method']: float(r['value']) for r in csv.DictReader(f)}
    assert set(rows) == set(methods)
    assert all(math.isfinite(v) for v in rows.values()), rows
    run = out / task / bench.replace('->', '_to_')
    # the store is keyed as the training set looks it up, class names kept
    from bimem_mm.benchmark import paper
    from bimem_mm.store import PredictionStore
    store = PredictionStore(str(run / 'blackbox_store'))
    config = paper.get(bench).configs['warmup']
    assert set(store.keys) == training_keys(bench, task, config,
                                              mini_root)
    if bench == 'gta5->cityscapes':
        assert store.classes[0] == 'road' and store.classes[18] == 'bicycle'
    # the memories filled: initialised, and the short-term queue pushed
    for method in [m for m in ('bimem', 'bimem_plus') if m in methods]:
        last = max((run / 'seed0' / method).glob('iter_*.pth'))
        ckpt = torch.load(last, map_location='cpu', weights_only=False)
        state = ckpt['state_dict']
        pushed = [v for k, v in state.items() if k.endswith('num_pushed')]
        assert pushed and all(int(v) > 0 for v in pushed), method
        protos = [v for k, v in state.items() if k.endswith('prototypes')]
        assert protos and all(bool(p.abs().sum(1).gt(0).any())
                              for p in protos), method
        init = torch.load(run / 'seed0' / method / 'memory_init.pth',
                          map_location='cpu', weights_only=False)
        assert sum(init['meta']['vectors_per_class']) > 0
    if bench != 'office31/a2w':
        return
    # a rerun of the same command reuses every stage
    again = subprocess.run(
        command(bench, task, fn, scale, mini_root, out, methods),
        capture_output=True, text=True, cwd=REPO, env=ENV)
    assert again.returncode == 0
    assert 'skipped (done)' in again.stdout and ' done ' not in again.stdout
