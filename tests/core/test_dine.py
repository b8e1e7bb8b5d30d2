"""DINE-style baseline pieces."""
import math

import torch

from bimem_mm.core.dine import (
    SoftLabelMemory,
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
