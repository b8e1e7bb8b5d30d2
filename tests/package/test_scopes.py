"""One process builds configs inheriting mmseg::, mmdet:: and mmpretrain::
bases that reference components of the bimem_mm scope."""
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.registry import HOOKS, MODELS, DefaultScope

_BIMEM_BASE = osp.join(osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))), 'configs', '_base_', 'bimem', 'bimem_official.py')
COMMON = """
custom_imports = dict(imports=['bimem_mm.engine', 'bimem_mm.models'],
                      allow_failed_imports=False)
custom_hooks = [dict(type='bimem_mm.BiMemHook', momentum=0.99)]
bimem_loss = dict(type='bimem_mm.BiMemLoss', alpha=0.5)
"""
CASES = {
    'mmseg': ("_base_ = ['mmseg::_base_/models/fcn_r50-d8.py', "
              "'mmseg::_base_/default_runtime.py']\n"
              "norm_cfg = dict(type='BN', requires_grad=True)\n"
              "model = dict(backbone=dict(depth=18, norm_cfg=norm_cfg), "
              "decode_head=dict(in_channels=512, channels=64, "
              "norm_cfg=norm_cfg), auxiliary_head=None, "
              "data_preprocessor=dict(size=(64, 64)))\n",
              'EncoderDecoder'),
    'mmdet': ("_base_ = ['mmdet::_base_/models/faster-rcnn_r50_fpn.py', "
              "'mmdet::_base_/default_runtime.py']\n", 'FasterRCNN'),
    'mmpretrain': ("_base_ = ['mmpretrain::_base_/models/resnet18.py', "
                   "'mmpretrain::_base_/default_runtime.py']\n",
                   'ImageClassifier'),
}


@pytest.mark.parametrize('scope', sorted(CASES))
def test_config_from_library_base_reaches_bimem_mm(tmp_path, scope):
    text, model_type = CASES[scope]
    path = tmp_path / f'{scope}_bimem.py'
    path.write_text(text + COMMON)
    cfg = Config.fromfile(str(path))
    assert cfg.default_scope == scope
    from mmengine.utils import import_modules_from_strings
    import_modules_from_strings(**cfg.custom_imports)
    with DefaultScope.overwrite_default_scope(scope):
        hook = HOOKS.build(cfg.custom_hooks[0])
        loss = MODELS.build(cfg.bimem_loss)
        model = MODELS.build(cfg.model)   # the library's own model
    assert type(hook).__name__ == 'BiMemHook' and hook.momentum == 0.99
    assert type(loss).__name__ == 'BiMemLoss' and loss.alpha == 0.5
    assert type(model).__name__ == model_type


def test_bimem_wrapper_around_an_mmpretrain_base_model(tmp_path):
    path = tmp_path / 'cls.py'
    path.write_text(
        "_base_ = ['mmpretrain::_base_/models/resnet18.py', "
        "'mmpretrain::_base_/default_runtime.py', "
        f"'{_BIMEM_BASE}']\n"
        "custom_imports = dict(imports=['bimem_mm.cls'])\n"
        "model = dict(_delete_=True, type='bimem_mm.BiMemClassifier', "
        "model={{_base_.model}}, refiner={{_base_.bimem_refiner}}, "
        "loss={{_base_.bimem_loss}})\n")
    cfg = Config.fromfile(str(path))
    import bimem_mm.cls  # noqa: F401
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        model = MODELS.build(cfg.model)
    assert model.refiner.num_classes == 1000     # filled from the head
    assert model.refiner.feat_dim == 512
    assert type(model.student).__name__ == 'ImageClassifier'


def test_every_child_registry_holds_what_its_locations_register():
    """Each registry of bimem_mm.registry imports from its locations and,
    with the task subpackages imported, holds at least one component."""
    import importlib

    from mmengine.registry import Registry

    from bimem_mm import registry
    for package in ('bimem_mm.cls', 'bimem_mm.seg', 'bimem_mm.det'):
        importlib.import_module(package)
    found = {name: reg for name, reg in vars(registry).items()
             if isinstance(reg, Registry) and reg.scope == 'bimem_mm'}
    assert set(found) == {'MODELS', 'HOOKS', 'DATASETS', 'TRANSFORMS',
                          'METRICS'}
    for name, reg in found.items():
        assert reg.parent is not None, name
        for location in reg._locations:
            importlib.import_module(location)
        assert len(reg.module_dict) > 0, f'{name} holds nothing'
