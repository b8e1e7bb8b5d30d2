"""The method loss takes the adapter's ignore_index unless its config sets
its own (before, BiMemLoss kept 255 whatever the adapter said)."""
import torch
from mmengine.registry import init_default_scope

import bimem_mm.cls  # noqa: F401  (registers the classifier)
from bimem_mm.registry import MODELS

NET = dict(type='mmpretrain.ImageClassifier',
           backbone=dict(type='bimem_mm.SmallConvNet', in_channels=1,
                         channels=(8, 16, 16),
                         downsample=(False, True, True)),
           neck=dict(type='mmpretrain.GlobalAveragePooling'),
           head=dict(type='mmpretrain.LinearClsHead', num_classes=10,
                     in_channels=16))


def build(**kwargs):
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='bimem_mm.BiMemClassifier', model=NET,
        refiner=dict(type='bimem_mm.BiMemRefiner', queue_length=16),
        stage='bimem', **kwargs))


def test_loss_takes_the_adapters_ignore_index():
    model = build(ignore_index=-1)
    assert model.loss_fn.ignore_index == -1
    assert model.refiner.ignore_index == -1


def test_loss_config_keeps_its_own_ignore_index():
    model = build(ignore_index=-1,
                  loss=dict(type='bimem_mm.BiMemLoss', ignore_index=254))
    assert model.loss_fn.ignore_index == 254


def test_default_stays_255():
    assert build().loss_fn.ignore_index == 255
