"""The digit classification recipe: every stage shares the optimiser (SGD
lr 0.05; bimem_plus, which fine-tunes its DINE start for the last 1/4 of
the budget, 0.025) and the augmentation (docs/dev_suite/cls.md)."""
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
    lr = 0.025 if name == 'bimem_plus_digits.py' else 0.05
    assert cfg.optim_wrapper.optimizer.lr == lr
    pipeline = cfg.train_dataloader.dataset.pipeline
    crops = [t for t in pipeline if t['type'] == 'RandomCrop']
    assert len(crops) == 1 and crops[0]['padding'] == 2
    if name not in ('blackbox_digits.py', 'oracle_digits.py'):
        # the benchmark's analysis option addresses PackInputs by index
        assert _types(pipeline).index('PackInputs') == 2

