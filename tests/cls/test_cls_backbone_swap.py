"""A config naming another mmpretrain backbone gets BiMem without code."""
import os.path as osp

import pytest
import torch
from conftest import REPO, run_tool, tiny_options

pytestmark = pytest.mark.slow

SWAP = """
_base_ = ['{base}']
model = dict(model=dict(
    backbone=dict(_delete_=True, type='ResNet_CIFAR', depth=18,
                  in_channels=1),
    head=dict(in_channels=512)))
"""


def test_resnet_cifar_backbone_by_config_only(tmp_path, tiny_data):
    npz, store = tiny_data
    cfg = tmp_path / 'bimem_resnet18.py'
    cfg.write_text(SWAP.format(base=osp.join(
        REPO, 'configs/cls/digits/bimem_digits.py')))
    run_tool('train.py', cfg, '--work-dir', tmp_path / 'w', '--cfg-options',
             *tiny_options(npz, store, 2, ['model.refiner.queue_length=8']))
    sd = torch.load(tmp_path / 'w' / 'iter_2.pth',
                    weights_only=True)['state_dict']
    assert sd['refiner.long_term.prototypes'].shape == (10, 512)
    assert any(k.startswith('student.backbone.layer4') for k in sd)
