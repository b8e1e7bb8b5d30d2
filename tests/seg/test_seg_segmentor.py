"""BiMemSegmentor: units, black box, valid mask, teacher views, losses,
and the backbone swap by config."""
import pytest
import torch
from mmengine.dataset import pseudo_collate
from seg_helpers import (
    BATCH,
    BIMEM,
    CROP,
    NUM_CLASSES,
    WARMUP,
    build_cfg,
    make_npz,
    make_store,
)

from bimem_mm.registry import DATASETS, MODELS

TINY_RESNET = dict(type='ResNetV1c', depth=18, in_channels=1,
                   stem_channels=8, base_channels=8, num_stages=4,
                   out_indices=(3, ), strides=(1, 2, 1, 1),
                   dilations=(1, 1, 2, 4), norm_cfg=dict(type='BN'))


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('seg')
    npz = make_npz(tmp / 'digits.npz')
    return npz, make_store(tmp / 'store', npz)


def _model_and_batch(config, data, extra=(), n=BATCH, full_view=False,
                     backbone=None):
    cfg = build_cfg(config, *data, extra)
    if backbone is not None:
        cfg.model.model.backbone = backbone
    if full_view:
        pipe = cfg.train_dataloader.dataset.pipeline
        pipe.insert(1, dict(type='bimem_mm.KeepTeacherView'))
    model = MODELS.build(cfg.model)
    ds = DATASETS.build(cfg.train_dataloader.dataset)
    batch = pseudo_collate([ds[i] for i in range(n)])
    return model, model.data_preprocessor(batch, True)


def _init_memory(model, data):
    model.init_memory_step(dict(inputs=list(data['inputs'].byte()),
                                data_samples=data['data_samples']))
    model.refiner.finalize_init()


def test_units_black_box_and_dims(data):
    model, batch = _model_and_batch(BIMEM, data)
    assert model.units_cfg == dict(features='decode_head.bottleneck',
                                   logits=None)
    assert model.model_dims(model.student) == (NUM_CLASSES, 32)
    units = model.units(model.student, batch['inputs'], batch['data_samples'])
    n = BATCH * CROP * CROP           # head stride 4, upsample 4: pixels
    assert units.features.shape == (n, 32)
    assert units.logits.shape == (n, NUM_CLASSES)
    assert torch.equal(units.groups, torch.arange(BATCH).repeat_interleave(
        CROP * CROP))
    assert units.valid.all()
    bb = model.black_box(batch['data_samples'], units)
    assert bb.shape == (n, NUM_CLASSES)
    torch.testing.assert_close(bb.sum(1), torch.ones(n))
    assert model.analysis_labels(batch['data_samples'], units) is None


def test_padding_is_invalid_and_analysis_labels(data):
    model, batch = _model_and_batch(
        BIMEM, data, ['train_dataloader.dataset.with_label=True',
                      'model.analysis_key=gt_sem_seg'])
    samples = batch['data_samples']
    # pretend the second image is only 12 rows high (the rest is padding)
    samples[1].set_metainfo(dict(img_shape=(12, CROP)))
    units = model.units(model.student, batch['inputs'], samples)
    valid = units.valid.view(BATCH, CROP, CROP)
    assert valid[0].all() and valid[1, :12].all() and not valid[1, 12:].any()
    labels = model.analysis_labels(samples, units)
    assert labels.shape == (BATCH * CROP * CROP, )
    assert set(labels.unique().tolist()) <= set(range(NUM_CLASSES)) | {255}


def test_warmup_and_bimem_losses(data):
    model, batch = _model_and_batch(WARMUP, data)
    losses = model.loss(batch['inputs'], batch['data_samples'])
    assert set(losses) == {'loss_ce'} and losses['loss_ce'].requires_grad
    model, batch = _model_and_batch(BIMEM, data)
    _init_memory(model, batch)
    losses = model.loss(batch['inputs'], batch['data_samples'])
    assert losses['loss_ce'].requires_grad and losses['loss_rce'] >= 0
    assert int(model.refiner.short_term.num_pushed) == \
        BATCH * model.refiner.units_per_group


def test_full_view_teacher_matches_same_view_without_augmentation(data):
    """With no geometric transform the teacher's full view IS the student's
    view: both teacher paths give the same units."""
    extra = ['train_dataloader.dataset.pipeline.1.ratio_range=(1.0,1.0)',
             'train_dataloader.dataset.pipeline.1.scale=(32,32)',
             'train_dataloader.dataset.pipeline.2.crop_size=(32,32)',
             'model.teacher_view=full']
    model, batch = _model_and_batch(BIMEM, data, extra, full_view=True)
    model.eval()
    samples = batch['data_samples']
    assert all('teacher_inputs' in s for s in samples)
    model.units(model.student, batch['inputs'], samples)   # student grid
    full = model.units(model.teacher, batch['inputs'], samples)
    model.teacher_view = 'same'
    same = model.units(model.teacher, batch['inputs'], samples)
    torch.testing.assert_close(full.logits, same.logits, atol=1e-4,
                               rtol=1e-4)
    torch.testing.assert_close(full.features, same.features, atol=1e-4,
                               rtol=1e-4)


def test_full_view_teacher_through_a_crop(data):
    model, batch = _model_and_batch(BIMEM, data, ['model.teacher_view=full'],
                                    full_view=True)
    _init_memory(model, batch)
    teacher, bb, cal = model.refine(batch['inputs'], batch['data_samples'])
    assert teacher.features.shape == (BATCH * CROP * CROP, 32)
    assert cal.labels.shape == (BATCH * CROP * CROP, )
    for sample in batch['data_samples']:
        x1, y1, x2, y2 = sample.metainfo['teacher_box']
        h, w = sample.metainfo['teacher_shape']
        assert 0 <= x1 < x2 <= w and 0 <= y1 < y2 <= h


@pytest.mark.parametrize('backbone', [
    dict(type='bimem_mm.SmallConvNet', in_channels=1,
         channels=(16, 32, 64), downsample=(False, True, True)),
    TINY_RESNET])
def test_backbone_swap_by_config(data, backbone):
    """The same BiMem config around another mmseg backbone (ResNetV1c-18,
    output stride 8 instead of the SmallConvNet's 4)."""
    model, batch = _model_and_batch(BIMEM, data, backbone=backbone)
    assert type(model.student.backbone).__name__ == backbone['type'].split(
        '.')[-1]
    _init_memory(model, batch)
    losses = model.loss(batch['inputs'], batch['data_samples'])
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    units = model.units(model.student, batch['inputs'],
                        batch['data_samples'])
    stride = 8 if 'ResNet' in backbone['type'] else 4
    side = -(-CROP // stride) * 4
    assert units.logits.shape[0] == BATCH * side * side


def test_classic_head_units_from_its_input_layer(data):
    """The classic DeepLabV2 head has no bottleneck: its feature is its
    input, named by config ('decode_head.aspp.0:input')."""
    cfg = build_cfg(BIMEM, *data)
    cfg.model.model.decode_head = dict(
        type='bimem_mm.DeepLabV2Head', in_channels=64, dilations=(1, 2),
        num_classes=NUM_CLASSES)
    cfg.model.units = dict(features='decode_head.aspp.0:input')
    model = MODELS.build(cfg.model)
    assert model.refiner.feat_dim == 64       # the backbone's width
    ds = DATASETS.build(cfg.train_dataloader.dataset)
    batch = model.data_preprocessor(
        pseudo_collate([ds[i] for i in range(BATCH)]), True)
    units = model.units(model.student, batch['inputs'],
                        batch['data_samples'])
    feats = model.student.extract_feat(batch['inputs'])[-1]
    up = torch.nn.functional.interpolate(feats, scale_factor=4,
                                         mode='bilinear')
    torch.testing.assert_close(
        units.features, up.permute(0, 2, 3, 1).reshape(-1, 64))


def test_logits_from_a_named_layer_equal_the_model_output(data):
    """units.logits names the layer of the logits when it is not the
    model's output; here conv_seg, whose output IS the model's."""
    model, batch = _model_and_batch(
        BIMEM, data, ['model.units.logits=decode_head.conv_seg'])
    model.eval()
    named = model.units(model.student, batch['inputs'],
                        batch['data_samples'])
    model.units_cfg = dict(model.units_cfg, logits=None)
    default = model.units(model.student, batch['inputs'],
                          batch['data_samples'])
    torch.testing.assert_close(named.logits, default.logits)
    torch.testing.assert_close(named.features, default.features)
