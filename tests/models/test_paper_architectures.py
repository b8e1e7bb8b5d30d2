"""Paper-scale configs of the new architectures build (no weights: the
pre-trained init_cfg is removed, nothing is downloaded) with the units where
docs/extending.md says: SegFormer MiT-B5 on GTA5 -> Cityscapes (as DAFormer),
ViT-B/16 on Office-Home and VisDA-2017."""
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PAPER = {  # config -> (classes, feature layer, D)
    'configs/seg/gta5_to_cityscapes/bimem_segformer_mitb5_gta5.py':
        (19, 'decode_head.fusion_conv', 768),
    'configs/cls/officehome/bimem_vit_b16_officehome.py':
        (65, 'head.layers.head:input', 768),
    'configs/cls/visda2017/bimem_vit_b16_visda2017.py':
        (12, 'head.layers.head:input', 768),
}


@pytest.mark.parametrize('path', list(PAPER), ids=osp.basename)
def test_paper_architecture_builds(path):
    from bimem_mm.registry import MODELS
    classes, layer, dim = PAPER[path]
    cfg = Config.fromfile(osp.join(REPO, path))
    assert cfg.model.units.features == layer
    assert cfg.model.model.cfg_path.split('::')[0] in ('mmseg', 'mmpretrain')
    from bimem_mm.models.model_config import resolve_model_cfg
    inner = cfg.model.model
    resolved = resolve_model_cfg(inner.to_dict())   # the weights it names
    assert resolved['backbone']['init_cfg']['type'] == 'Pretrained'
    checkpoint = inner.get('backbone', {}).get('init_cfg', {})
    if 'backbone' in inner:                     # no weights here
        inner.backbone.init_cfg = None
    else:
        inner.backbone = dict(init_cfg=None)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        model = MODELS.build(cfg.model)
    assert model.refiner.num_classes == classes
    assert model.refiner.feat_dim == dim
    assert model.stage == 'bimem' and model.adaptive_source is None
    assert model.student.backbone.init_cfg is None
    if 'segformer' in path:
        assert type(model.student.backbone).__name__ == 'MixVisionTransformer'
        assert model.student.backbone.embed_dims == 64      # MiT-B5
        assert len(model.student.backbone.layers[2][1]) == 40
        assert model.upsample == 1 and model.teacher_view == 'full'
        assert cfg.optim_wrapper.optimizer.type == 'AdamW'
    else:
        assert 'vit-base-p16_in21k' in checkpoint['checkpoint']
        assert model.student.backbone.embed_dims == 768
