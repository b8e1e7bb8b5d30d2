"""Every det config builds (no weights are downloaded: building a model
does not initialise it) and reaches our types from mmdet's scope."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from bimem_mm.registry import MODELS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(p for p in glob.glob(osp.join(REPO, 'configs/det/*/*.py'))
                 if not osp.basename(p).startswith('_'))


def test_all_stages_have_configs():
    names = {osp.relpath(p, osp.join(REPO, 'configs/det')) for p in CONFIGS}
    for stage in ('blackbox_scenes', 'warmup_scenes', 'bimem_scenes',
                  'oracle_scenes', 'dine_scenes', 'bimem_plus_scenes'):
        assert f'digits/{stage}.py' in names
    for stage in ('source_only_cityscapes', 'warmup_foggy', 'bimem_foggy',
                  'oracle_foggy', 'dine_foggy', 'bimem_plus_foggy'):
        assert f'cityscapes_foggy/{stage}.py' in names


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[osp.basename(p) for p in CONFIGS])
def test_config_builds(path):
    import bimem_mm.det  # noqa: F401  (the configs' custom_imports)
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmdet'
    assert 'bimem_mm.det' in cfg.custom_imports.imports
    init_default_scope(cfg.default_scope)
    model = MODELS.build(cfg.model)
    name = osp.basename(path)
    if 'foggy' in name or 'cityscapes' in name:
        det = getattr(model, 'student', getattr(model, 'detector', model))
        assert det.roi_head.bbox_head.num_classes == 8
        assert det.backbone.init_cfg['checkpoint'] == 'torchvision://resnet50'
        assert cfg.val_evaluator.type == 'VOCMetric'
    if hasattr(model, 'teacher'):         # a teacher-student wrapper
        c = 8 if 'foggy' in name else 10
        # the digit architecture configs' RoI heads are 64 wide
        d = 1024 if 'foggy' in name else 64 if 'rcnn' in name else 256
        if not name.startswith('dine'):
            assert model.refiner.long_term.prototypes.shape == (c, d)
        assert model.stage == ('warmup' if 'warmup' in name else 'bimem')
        # adaptation trains on target images without labels
        ds = cfg.train_dataloader.dataset
        assert ds.get('with_label', False) is False
        assert 'train_images' in ds.get('ann_file', 'train_images')
        assert cfg.memory_init_dataloader.dataset.pipeline[1 if 'foggy' in
                                                           name else 0][
            'type'] == 'bimem_mm.LoadBlackBoxBoxes'
        assert type(model).__name__ == ('DINEDetector' if name.startswith(
            'dine') else 'BiMemDetector')
    if name.startswith('dine'):
        assert model.dine_cfg['momentum'] == 0.6 and not model.uses_memory
        assert model.dine_cfg['im_weight'] == 1.0
        assert model.refiner is None and model.loss_fn is None
    if name.startswith('bimem_plus'):
        assert model.im_weight == 1.0 and model.refiner.temperature == 10.0
        assert model.mix_weight == 0.0
        assert model.adaptive_source['momentum'] == 0.6
    elif name.startswith('bimem'):
        assert model.im_weight == 0.0


def test_default_preprocessor_is_mmdets():
    import bimem_mm.det  # noqa: F401
    init_default_scope('mmdet')
    cfg = Config.fromfile(osp.join(REPO, 'configs/det/digits/'
                                   'warmup_scenes.py'))
    typeless = dict(mean=[0.0] * 3, std=[1.0] * 3, pad_size_divisor=8)
    model = MODELS.build(dict(cfg.model, data_preprocessor=typeless))
    assert type(model.data_preprocessor).__name__ == 'DetDataPreprocessor'
    box = MODELS.build(dict(type='bimem_mm.BoxProbsDetector',
                            detector=cfg.model.model,
                            data_preprocessor=typeless))
    assert type(box.data_preprocessor).__name__ == 'DetDataPreprocessor'
