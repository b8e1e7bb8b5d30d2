"""Nine OpenMMLab architectures under BiMem by config only (issue 14).

Each config runs the whole pipeline on tiny digit data, in this process:
warm-up (cross entropy on the black box) -> long-term memory initialised
by ``BiMemHook`` -> BiMem -> test. Asserted: the warm-up checkpoint loads,
both memories filled, calibration changed the black box's label of some
units, and the test metric exists. Tiny widths and sizes, CPU, no weights.
"""
import argparse
import importlib.util
import os.path as osp
import time

import numpy as np
import pytest
import torch
from mmengine.config import Config, DictAction

TESTS = osp.dirname(osp.dirname(osp.abspath(__file__)))
REPO = osp.dirname(TESTS)
ITERS = 3

ARCHS = {   # config -> task, test metric
    'configs/seg/digits/bimem_deeplabv3plus_scenes.py': ('seg', 'mIoU'),
    'configs/seg/digits/bimem_segformer_scenes.py': ('seg', 'mIoU'),
    'configs/seg/digits/bimem_upernet_scenes.py': ('seg', 'mIoU'),
    'configs/det/digits/bimem_cascade_rcnn_scenes.py': (
        'det', 'pascal_voc/mAP'),
    'configs/det/digits/bimem_faster_rcnn_pafpn_scenes.py': (
        'det', 'pascal_voc/mAP'),
    'configs/det/digits/bimem_double_head_rcnn_scenes.py': (
        'det', 'pascal_voc/mAP'),
    'configs/cls/digits/bimem_vit_digits.py': ('cls', 'accuracy/top1'),
    'configs/cls/digits/bimem_convnext_digits.py': ('cls', 'accuracy/top1'),
    'configs/cls/digits/bimem_resnet_digits.py': ('cls', 'accuracy/top1'),
}
HELPERS = {'seg': ('seg', 'seg_helpers'), 'det': ('det', 'det_helpers'),
           'cls': ('cls', 'conftest')}


def helpers(task):
    folder, name = HELPERS[task]
    spec = importlib.util.spec_from_file_location(
        f'_arch_{name}', osp.join(TESTS, folder, f'{name}.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def tiny_files(task, tmp):
    """(npz, store) of the task's tiny digit data."""
    h = helpers(task)
    npz = h.make_npz(tmp / 'digits.npz')
    if task == 'seg':
        return h, npz, h.make_store(tmp / 'store', npz)
    if task == 'det':
        return h, npz, h.make_store(tmp / 'store', npz)
    return h, npz, h.make_store(tmp / 'store')


def options(task, h, npz, store, extra):
    opts = h.tiny_options(npz, store, ITERS)
    if task == 'cls':
        opts += ['model.refiner.queue_length=16',
                 'model.refiner.min_units_short=1']
    if task == 'det':
        opts += ['model.refiner.min_units_short=1']
    if task == 'seg':   # T = 1 on barely trained 16-d maps: w_long ~ uniform
        opts += ['model.refiner.temperature=10.0']
    parser = argparse.ArgumentParser()
    parser.add_argument('--o', nargs='+', action=DictAction)
    return parser.parse_args(['--o'] + opts + list(extra)).o


def run(config, task, h, npz, store, work_dir, extra=()):
    """A Runner on ``config`` with the tiny options; trained."""
    from mmengine.runner import Runner

    from bimem_mm import compat
    compat.apply()
    cfg = Config.fromfile(osp.join(REPO, config))
    cfg.merge_from_dict(options(task, h, npz, store, extra))
    cfg.train_cfg.val_interval = ITERS + 1     # no validation: test() below
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = f'{osp.basename(str(work_dir))}_{time.time_ns()}'
    cfg.default_hooks.logger.interval = 1
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


@pytest.fixture
def one_thread():
    """Tiny tensors: one thread is faster and immune to a busy machine
    (as the subprocess tests' OMP_NUM_THREADS=1)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.slow
@pytest.mark.parametrize('config', list(ARCHS), ids=lambda c: osp.basename(
    c)[len('bimem_'):-3])
def test_architecture_pipeline(config, tmp_path, one_thread):
    task, metric = ARCHS[config]
    h, npz, store = tiny_files(task, tmp_path)
    torch.manual_seed(0)
    run(config, task, h, npz, store, tmp_path / 'warmup',
        ['model.stage=warmup'])
    warm = tmp_path / 'warmup' / f'iter_{ITERS}.pth'
    assert warm.exists()

    runner = run(config, task, h, npz, store, tmp_path / 'bimem',
                 [f'load_from={warm}'])
    refiner = runner.model.refiner
    assert bool(refiner.long_term.initialized)
    protos = refiner.long_term.prototypes
    assert protos.shape[1] == refiner.feat_dim and (
        protos.abs().sum(1) > 0).any()             # long-term memory
    assert int(refiner.short_term.num_pushed) > 0   # short-term memory
    hub = runner.message_hub
    changed = hub.get_scalar('train/bimem/change_rate').data[0]
    assert len(changed) == ITERS and np.max(changed) > 0, changed
    results = runner.test()
    assert metric in results
