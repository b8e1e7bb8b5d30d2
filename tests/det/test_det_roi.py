"""RoI features of pseudo boxes, the RoI loss and the box-probs black box."""
import copy

import pytest
import torch
from det_helpers import (
    META,
    WARMUP,
    labelled_batch,
    roi_losses_and_mmdets,
    scene_dataset,
    tiny_data,
)
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope

from bimem_mm.det.roi_features import roi_box_features
from bimem_mm.det.roi_loss import roi_loss, rpn_loss, soft_roi_loss
from bimem_mm.models import BiMemLoss
from bimem_mm.registry import MODELS


@pytest.fixture
def data(tmp_path):
    return tiny_data(tmp_path)


@pytest.fixture
def wrapper():
    init_default_scope('mmdet')
    cfg = Config.fromfile(WARMUP)
    torch.manual_seed(0)
    return MODELS.build(cfg.model)


@pytest.fixture
def batch(data, wrapper):
    return labelled_batch(wrapper, *data)


def test_roi_features_shapes(wrapper, batch):
    det = wrapper.student
    x = det.extract_feat(batch['inputs'])
    pseudo = wrapper.pseudo(batch['data_samples'], batch['inputs'].device)
    feats, logits = roi_box_features(det, x, pseudo.bboxes)
    n = len(pseudo.groups)
    assert n == sum(len(b) for b in pseudo.bboxes) > 0
    assert feats.shape == (n, 256)     # the shared FCs' width
    assert logits.shape == (n, 11)     # 10 classes + background
    head = det.roi_head.bbox_head
    torch.testing.assert_close(head.fc_cls(feats), logits)
    assert wrapper.model_dims(det) == (10, 256)
    units = wrapper.units(wrapper.teacher, batch['inputs'],
                          batch['data_samples'])
    assert units.features.shape == (n, 256)
    assert units.logits.shape == (n, 10)          # foreground only
    assert units.groups.tolist() == pseudo.groups.tolist()
    empty = [b[:0] for b in pseudo.bboxes]
    f0, l0 = roi_box_features(det, x, empty)
    assert f0.shape == (0, 256) and l0.shape == (0, 11)


def test_roi_loss_reduces_to_mmdet_with_alpha1_beta0(wrapper, batch):
    ours, ref = roi_losses_and_mmdets(wrapper.student, batch)
    total = ours['loss_cls'] + ours['loss_bimem_ce'] + ours['loss_bimem_rce']
    torch.testing.assert_close(total, ref['loss_cls'])
    torch.testing.assert_close(ours['loss_bbox'], ref['loss_bbox'])
    assert ours['loss_bimem_rce'] == 0
    rce = roi_losses_and_mmdets(wrapper.student, batch, 0.1,
                                1.0)[0]['loss_bimem_rce']
    assert rce > 0 and rce.requires_grad


def test_soft_roi_loss_reduces_to_mmdet_with_one_hot_targets(wrapper,
                                                             batch):
    det = wrapper.student
    samples = batch['data_samples']
    for s in samples:    # the labelled boxes, their labels one-hot
        s.gt_instances.soft_targets = torch.nn.functional.one_hot(
            s.gt_instances.labels, 10).float()
    x = det.extract_feat(batch['inputs'])
    _, proposals = rpn_loss(det, x, samples)
    torch.manual_seed(1)
    ours = soft_roi_loss(det, x, copy.deepcopy(proposals), samples)
    torch.manual_seed(1)
    ref = det.roi_head.loss(x, copy.deepcopy(proposals), samples)
    torch.testing.assert_close(ours['loss_cls'] + ours['loss_kd'],
                               ref['loss_cls'])
    torch.testing.assert_close(ours['loss_bbox'], ref['loss_bbox'])
    assert ours['loss_kd'] > 0
    # a soft target: the positives' part changes, the background's not
    for s in samples:
        s.gt_instances.soft_targets = torch.full(
            (len(s.gt_instances), 10), 0.1)
    torch.manual_seed(1)
    soft = soft_roi_loss(det, x, copy.deepcopy(proposals), samples)
    torch.testing.assert_close(soft['loss_cls'], ours['loss_cls'])
    assert soft['loss_kd'].requires_grad
    assert not torch.allclose(soft['loss_kd'], ours['loss_kd'])


def test_roi_loss_soft_weight_adds_the_soft_target_term(wrapper, batch):
    """``soft_weight`` adds ``soft_weight`` x the DINE baseline's loss_kd
    towards the boxes' soft targets and leaves every other term as is."""
    det = wrapper.student
    samples = batch['data_samples']
    gen = torch.Generator().manual_seed(3)
    for s in samples:
        s.gt_instances.labels_long = s.gt_instances.labels.clone()
        s.gt_instances.soft_targets = torch.softmax(
            torch.randn(len(s.gt_instances), 10, generator=gen), 1)
    x = det.extract_feat(batch['inputs'])
    _, proposals = rpn_loss(det, x, samples)

    def run(fn, *args):
        torch.manual_seed(1)
        return fn(det, x, copy.deepcopy(proposals), samples, *args)

    plain = run(roi_loss, BiMemLoss())
    soft = run(roi_loss, BiMemLoss(), 2.0)
    kd = run(soft_roi_loss)['loss_kd']
    assert 'loss_soft' not in plain
    torch.testing.assert_close(soft.pop('loss_soft'), 2.0 * kd)
    assert soft.keys() == plain.keys()
    for name in plain:
        torch.testing.assert_close(soft[name], plain[name])


def test_box_probs_detector_predicts_as_mmdet(data):
    tiny_npz = data[0]
    init_default_scope('mmdet')
    cfg = Config.fromfile(WARMUP)
    torch.manual_seed(0)
    bare = MODELS.build(cfg.model.model).eval()
    wrapped = MODELS.build(dict(type='bimem_mm.BoxProbsDetector',
                                detector=cfg.model.model)).eval()
    wrapped.load_state_dict(bare.state_dict())    # a bare checkpoint loads
    ds = scene_dataset(tiny_npz, pipeline=cfg.test_dataloader.dataset.pipeline)
    data = pseudo_collate([ds[i] for i in range(4)])
    ref = bare.test_step(copy.deepcopy(data))
    out = wrapped.test_step(data)
    for r, o in zip(ref, out):
        a, b = r.pred_instances, o.pred_instances
        assert len(b) > 0
        torch.testing.assert_close(a.bboxes, b.bboxes)
        torch.testing.assert_close(a.scores, b.scores)
        assert (a.labels == b.labels).all()
        torch.testing.assert_close(b.probs.sum(1), torch.ones(len(b)))
        # the score is the label's share of the full softmax (background
        # included), probs the same softmax renormalised over foreground
        own = b.probs[torch.arange(len(b)), b.labels]
        assert (own >= b.scores - 1e-6).all()


def test_a_batch_without_pseudo_boxes_still_trains(wrapper, data):
    """All boxes under the score threshold: background-only losses."""
    from mmengine.optim import OptimWrapper
    tiny_npz, tiny_store = data
    ds = scene_dataset(tiny_npz, pipeline=[
        dict(type='bimem_mm.LoadBlackBoxBoxes', store=tiny_store),
        dict(type='PackDetInputs', meta_keys=META)])
    batch = pseudo_collate([ds[i] for i in range(4)])
    wrapper.init_memory_step(batch)
    wrapper.refiner.finalize_init()
    optim = OptimWrapper(torch.optim.SGD(wrapper.parameters(), lr=0.01))
    wrapper.pseudo_score_thr = 1.0          # the store's scores are 0.9
    for stage in ('warmup', 'bimem'):
        wrapper.stage = stage
        log = wrapper.train_step(batch, optim)
        assert torch.isfinite(log['loss']) and log['loss_bbox'] == 0
