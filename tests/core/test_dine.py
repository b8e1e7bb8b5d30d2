"""DINE-style baseline pieces."""
import math

import pytest
import torch

from bimem_mm.core.dine import (
    SoftLabelMemory,
    black_box_share,
    dine_targets,
    information_maximization,
    mixup_consistency,
    soft_cross_entropy,
)


def test_soft_labels_start_from_black_box_then_move_to_the_model():
    mem = SoftLabelMemory(num_samples=5, num_classes=3, momentum=0.6)
    idx = torch.tensor([1, 3])
    bb = torch.tensor([[0.8, 0.1, 0.1], [0.2, 0.2, 0.6]])
    assert torch.equal(mem.lookup(idx, bb), bb)
    model = torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    mem.update(idx, model)
    again = mem.lookup(idx, torch.zeros(2, 3))       # not reset to bb
    assert torch.allclose(again, 0.6 * bb + 0.4 * model)
    assert mem.seen.tolist() == [False, True, False, True, False]


def test_information_maximization_prefers_confident_diverse():
    confident_diverse = torch.eye(4) * 20
    collapsed = torch.zeros(4, 4)
    collapsed[:, 0] = 20
    uniform = torch.zeros(4, 4)
    im = information_maximization
    assert im(confident_diverse) < im(collapsed)
    assert im(confident_diverse) < im(uniform)
    assert abs(float(im(confident_diverse)) + math.log(4)) < 1e-3


def test_mixup_consistency_and_soft_cross_entropy():
    x = torch.randn(6, 3)
    w = torch.randn(3, 4)
    loss = mixup_consistency(lambda v: v @ w, x, torch.softmax(x @ w, 1))
    assert loss.ndim == 0 and torch.isfinite(loss)
    targets = torch.softmax(torch.randn(6, 4), 1)
    assert torch.allclose(soft_cross_entropy(torch.log(targets), targets),
                          -(targets * torch.log(targets)).sum(1).mean(),
                          atol=1e-5)


def test_black_box_share_decays_per_epoch():
    assert black_box_share(0.6, 0, 100) == 1.0
    assert black_box_share(0.6, 100, 100) == pytest.approx(0.6)
    assert black_box_share(0.6, 250, 100) == pytest.approx(0.6 ** 2.5)
    assert black_box_share(0.6, 50, 100) == pytest.approx(0.6 ** 0.5)
    with pytest.raises(ValueError):
        black_box_share(0.6, 10, 0)


def test_dine_targets_mix_and_sum_to_one():
    bb = torch.softmax(torch.randn(7, 5), 1)
    teacher = torch.softmax(torch.randn(7, 5), 1)
    assert torch.equal(dine_targets(bb, teacher, 1.0), bb)
    assert torch.allclose(dine_targets(bb, teacher, 0.0), teacher)
    w = black_box_share(0.6, 2, 1)
    t = dine_targets(bb, teacher, w)
    assert torch.allclose(t, 0.36 * bb + 0.64 * teacher)
    torch.testing.assert_close(t.sum(1), torch.ones(7))
    with pytest.raises(ValueError):
        dine_targets(bb, teacher, 1.5)


def test_soft_cross_entropy_on_maps_with_a_valid_mask():
    logits = torch.randn(2, 4, 3, 3)
    targets = torch.softmax(torch.randn(2, 4, 3, 3), 1)
    per_pixel = -(targets * torch.log_softmax(logits, 1)).sum(1)
    torch.testing.assert_close(soft_cross_entropy(logits, targets),
                               per_pixel.mean())
    valid = torch.zeros(2, 3, 3, dtype=torch.bool)
    valid[0, :2] = True
    valid[1, 2, 2] = True
    torch.testing.assert_close(soft_cross_entropy(logits, targets, valid),
                               per_pixel[valid].mean())
    none = soft_cross_entropy(logits, targets, torch.zeros_like(valid))
    assert none == 0


def test_mixup_consistency_is_pixel_aligned():
    """A per-pixel 'model' (log of its input probability maps) predicts a
    mix of two maps exactly as the mix of its predictions: the loss is
    the mean entropy of the mixed maps over the pixels kept."""
    torch.manual_seed(0)
    probs = torch.softmax(torch.randn(2, 4, 5, 5), 1)
    ent = -(probs * probs.log()).sum(1)               # (2, 5, 5)
    same = probs[:1].expand(2, -1, -1, -1)            # any mix is itself
    loss = mixup_consistency(torch.log, same, same)
    torch.testing.assert_close(loss, ent[0].mean())
    valid = torch.zeros(2, 5, 5, dtype=torch.bool)
    valid[:, :2] = True                               # both images' rows
    loss = mixup_consistency(torch.log, same, same, valid=valid)
    torch.testing.assert_close(loss, ent[0, :2].mean())
    # a model that is not pixel-aligned (flips the map) costs more
    flipped = mixup_consistency(lambda x: torch.log(x.flip(-1)), same, same)
    assert flipped > ent[0].mean() + 1e-3


def test_information_maximization_towards_a_prior():
    logits = torch.randn(64, 5, generator=torch.Generator().manual_seed(0))
    plain = information_maximization(logits)
    uniform = information_maximization(logits, prior=torch.ones(5))
    assert torch.allclose(uniform, plain + math.log(5), atol=1e-4)
    # a prior on class 0 (segmentation's background): predicting mostly
    # class 0 is now better than a uniform spread, the reverse of no prior
    mostly_zero = torch.full((64, 5), -4.0)
    mostly_zero[:56, 0] = 4.0
    mostly_zero[56:, 1:] = torch.eye(4).repeat(2, 1) * 8 - 4
    spread = torch.eye(5).repeat(13, 1)[:64] * 8 - 4
    prior = torch.tensor([0.875, 0.03125, 0.03125, 0.03125, 0.03125])
    assert information_maximization(mostly_zero, prior=prior) < \
        information_maximization(spread, prior=prior)
    assert information_maximization(mostly_zero) > \
        information_maximization(spread)
