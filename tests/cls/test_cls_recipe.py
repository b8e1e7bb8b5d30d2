"""The digit classification recipe: every stage shares the optimiser and
the edge-padded shift (docs/dev_suite/cls.md)."""
import glob
import os.path as osp

import pytest
from conftest import REPO
from mmengine.config import Config

STAGES = ['blackbox_digits.py', 'oracle_digits.py', 'warmup_digits.py',
          'dine_digits.py', 'bimem_digits.py', 'bimem_plus_digits.py']


def _types(pipeline):
    return [t['type'] for t in pipeline]


@pytest.mark.parametrize('name', STAGES)
def test_stage_recipe(name):
    cfg = Config.fromfile(osp.join(REPO, 'configs/cls/digits', name))
    assert cfg.optim_wrapper.optimizer.type == 'SGD'
    assert cfg.optim_wrapper.optimizer.lr == 0.05
    pipeline = cfg.train_dataloader.dataset.pipeline
    shifts = [t for t in pipeline if t['type'] == 'bimem_mm.RandomShift']
    assert len(shifts) == 1 and shifts[0]['padding_mode'] == 'edge'
    assert 'RandomCrop' not in _types(pipeline)
    if name not in ('blackbox_digits.py', 'oracle_digits.py'):
        # the benchmark's analysis option addresses PackInputs by index
        assert _types(pipeline).index('PackInputs') == 2


def test_no_digit_config_pads_with_zeros():
    for path in glob.glob(osp.join(REPO, 'configs/cls/digits/*.py')):
        assert 'RandomCrop' not in open(path).read(), path
