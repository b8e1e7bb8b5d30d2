"""bimem_plus options of the BiMem wrapper: the adaptive source
distribution the memories calibrate, and the mixup term."""
import pytest
import torch
from mmengine.registry import init_default_scope
from mmpretrain.structures import DataSample

import bimem_mm.cls  # noqa: F401  (registers the classifier)
import bimem_mm.det  # noqa: F401
from bimem_mm.core.dine import information_maximization
from bimem_mm.registry import MODELS

NUM_CLASSES, BATCH = 10, 8
NET = dict(type='mmpretrain.ImageClassifier',
           backbone=dict(type='bimem_mm.SmallConvNet', in_channels=1,
                         channels=(8, 16, 16), downsample=(False, True,
                                                            True)),
           neck=dict(type='mmpretrain.GlobalAveragePooling'),
           head=dict(type='mmpretrain.LinearClsHead',
                     num_classes=NUM_CLASSES,
                     in_channels=16))


def build(**kwargs):
    init_default_scope('mmpretrain')   # whatever scope an earlier test left
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='bimem_mm.BiMemClassifier', model=NET,
        refiner=dict(type='bimem_mm.BiMemRefiner', queue_length=64,
                     units_per_group=1, min_units_long=1,
                     min_units_short=1),
        stage='bimem', **kwargs))


def batch(seed=0):
    g = torch.Generator().manual_seed(seed)
    inputs = torch.randn(BATCH, 1, 16, 16, generator=g)
    samples = []
    for i in range(BATCH):
        sample = DataSample()
        probs = torch.softmax(3 * torch.randn(NUM_CLASSES, generator=g), 0)
        sample.set_field(probs, 'bb_probs')
        samples.append(sample)
    return inputs, samples


def init_memory(model, inputs, samples):
    model.init_memory_step(dict(inputs=inputs, data_samples=samples))
    model.refiner.finalize_init()


def test_faithful_model_calibrates_the_black_box_itself():
    model = build()
    assert 'source_target.samples_seen' not in model.state_dict()
    bb, teacher = torch.eye(NUM_CLASSES)[:2], torch.full((2, NUM_CLASSES),
                                                         0.1)
    assert model.source_distribution(bb, teacher, 2) is bb
    assert not hasattr(model, 'source_target')


def test_adaptive_source_moves_from_black_box_to_teacher():
    model = build(adaptive_source=dict(momentum=0.5, num_samples=16))
    assert 'source_target.samples_seen' in model.state_dict()   # resumes with it
    bb = torch.eye(NUM_CLASSES)[:BATCH]
    teacher = torch.full((BATCH, NUM_CLASSES), 1 / NUM_CLASSES)
    first = model.source_distribution(bb, teacher, BATCH)
    assert torch.equal(first, bb)                    # epoch 0: w = 1
    assert int(model.source_target.samples_seen) == BATCH
    second = model.source_distribution(bb, teacher, BATCH)   # half an epoch
    w = 0.5 ** 0.5
    assert torch.allclose(second, w * bb + (1 - w) * teacher)
    assert torch.allclose(second.sum(1), torch.ones(BATCH))
    with pytest.raises(TypeError, match='unknown options'):
        build(adaptive_source=dict(gamma=0.5))


def test_refine_calibrates_the_adaptive_distribution(monkeypatch):
    model = build(adaptive_source=dict(momentum=0.5, num_samples=BATCH))
    inputs, samples = batch()
    init_memory(model, inputs, samples)
    seen = []
    original = model.refiner.refine

    def spy(features, probs, p_src, *args):
        seen.append(p_src.clone())
        return original(features, probs, p_src, *args)
    monkeypatch.setattr(model.refiner, 'refine', spy)
    model.refine(inputs, samples)       # w = 1: the black box
    model.refine(inputs, samples)       # one epoch seen: w = 0.5
    bb = torch.stack([s.bb_probs for s in samples])
    assert torch.allclose(seen[0], bb)
    with torch.no_grad():
        teacher = torch.softmax(model.teacher.head(
            model.teacher.extract_feat(inputs)), 1)
    assert torch.allclose(seen[1], 0.5 * bb + 0.5 * teacher, atol=1e-6)
    stats = model.loss(inputs, samples)
    assert stats['bimem/source_share'] == pytest.approx(0.25)


def test_mixup_term_trains_the_student():
    inputs, samples = batch(1)
    plain = build()
    init_memory(plain, inputs, samples)
    assert 'loss_mix' not in plain.loss(inputs, samples)
    model = build(mix_weight=1.0, im_weight=1.0)
    init_memory(model, inputs, samples)
    losses = model.loss(inputs, samples)
    assert torch.isfinite(losses['loss_mix']) and losses['loss_mix'] > 0
    losses['loss_mix'].backward()
    grad = model.student.head.fc.weight.grad
    assert grad is not None and grad.abs().sum() > 0


def test_detector_refuses_mixup():
    from mmengine.config import Config
    from mmengine.registry import DefaultScope
    cfg = Config.fromfile('configs/det/digits/bimem_scenes.py')
    cfg.model.mix_weight = 1.0
    with DefaultScope.overwrite_default_scope('mmdet'):
        with pytest.raises(TypeError, match='no mixup'):
            MODELS.build(cfg.model)


def test_analysis_labels_are_logged_but_never_change_a_loss():
    inputs, samples = batch(2)
    losses = {}
    for key in (None, 'analysis_label'):
        model = build(analysis_key=key)
        for i, sample in enumerate(samples):
            sample.set_field(torch.tensor(i % NUM_CLASSES), 'analysis_label')
        init_memory(model, inputs, samples)
        losses[key] = model.loss(inputs, samples)
    plain, analysed = losses[None], losses['analysis_label']
    assert 'bimem/acc_calibrated' in analysed
    assert 'bimem/acc_calibrated' not in plain
    for name, value in plain.items():
        assert torch.equal(value, analysed[name]), name


def test_im_prior_follows_the_black_box_marginal():
    inputs, samples = batch(3)
    uniform, towards = build(im_weight=1.0), build(
        im_weight=1.0, im_prior='black_box')
    for model in (uniform, towards):
        init_memory(model, inputs, samples)
    student = uniform.units(uniform.student, inputs, samples)
    bb = torch.stack([s.bb_probs for s in samples])
    expected = information_maximization(student.logits, prior=bb.mean(0))
    assert torch.allclose(towards.im_loss(student.logits, bb), expected)
    assert not torch.allclose(uniform.im_loss(student.logits, bb), expected)
    with pytest.raises(ValueError, match='im_prior'):
        build(im_prior='flat')


def test_soft_weight_distils_towards_the_calibrated_distribution(
        monkeypatch):
    inputs, samples = batch(4)
    plain = build()
    init_memory(plain, inputs, samples)
    assert 'loss_soft' not in plain.loss(inputs, samples)
    model = build(soft_weight=2.0)
    init_memory(model, inputs, samples)
    calibrations = []
    original = model.refine

    def spy(*args):
        out = original(*args)
        calibrations.append(out[2])
        return out
    monkeypatch.setattr(model, 'refine', spy)
    losses = model.loss(inputs, samples)
    probs = calibrations[0].probs
    # a calibrated distribution, not one-hot labels
    assert torch.allclose(probs.sum(1), torch.ones(BATCH))
    assert (probs.max(1).values < 1).all()
    student = model.units(model.student, inputs, samples)
    expected = -(probs * torch.log_softmax(student.logits, 1)).sum(1).mean()
    assert torch.allclose(losses['loss_soft'], 2.0 * expected, atol=1e-6)
    losses['loss_soft'].backward()
    assert model.student.head.fc.weight.grad.abs().sum() > 0
    with pytest.raises(ValueError, match='soft_weight'):
        build(soft_weight=-1.0)


def test_dine_refuses_soft_weight():
    init_default_scope('mmpretrain')
    with pytest.raises(TypeError, match='soft_weight'):
        MODELS.build(dict(type='bimem_mm.DINEClassifier', model=NET,
                          refiner=None, loss=None, stage='bimem',
                          soft_weight=1.0))
