"""Every classification config builds its model (no weights loaded)."""
import glob
import os.path as osp

import pytest
from conftest import REPO
from mmengine.config import Config
from mmengine.registry import MODELS, DefaultScope

CONFIGS = sorted(p for p in glob.glob(osp.join(REPO, 'configs/cls/*/*.py'))
                 if not osp.basename(p).startswith('_'))


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, REPO))
def test_config_builds(path):
    import bimem_mm.cls  # noqa: F401
    cfg = Config.fromfile(path)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        model = MODELS.build(cfg.model)
    assert cfg.train_cfg.by_epoch is False
    if type(model).__name__ == 'BiMemClassifier':
        head = model.student.head
        assert model.refiner.num_classes == head.num_classes
        hook_types = [h['type'] for h in cfg.custom_hooks]
        assert 'bimem_mm.BiMemHook' in hook_types
        assert cfg.train_dataloader.dataset.get('with_label') is False
    if type(model).__name__ == 'DINEClassifier':      # no memories
        assert model.refiner is None and model.loss_fn is None
    if osp.basename(path).startswith('bimem_plus'):
        assert model.im_weight == model.mix_weight == 1.0
        assert model.adaptive_source['momentum'] == 0.6
        assert model.refiner.temperature == 10.0
        if path.endswith('bimem_plus_digits.py'):  # fine-tunes DINE's model
            assert cfg.optim_wrapper.optimizer.lr == 0.025
    elif osp.basename(path).startswith('bimem'):      # the faithful method
        assert model.im_weight == model.mix_weight == 0.0
        assert model.adaptive_source is None
