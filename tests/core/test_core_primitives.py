"""Distributions, grouped ops, calibration and loss of the BiMem core."""
import torch
import torch.nn.functional as F

from bimem_mm.core import (
    SymmetricLoss,
    calibrate,
    class_means,
    expand_topk,
    group_class_means,
    hard_labels,
    hard_to_probs,
    memory_weights,
    rank_within,
    reverse_cross_entropy,
    select_top_k,
)


def test_expand_topk_spreads_missing_mass_evenly():
    idx = torch.tensor([[2, 0], [1, 3]])
    val = torch.tensor([[0.5, 0.3], [0.9, 0.1]])
    out = expand_topk(idx, val, 4)
    assert torch.allclose(out.sum(1), torch.ones(2))
    assert torch.allclose(out[0], torch.tensor([0.3, 0.1, 0.5, 0.1]))
    assert torch.allclose(out[1], torch.tensor([0.0, 0.9, 0.0, 0.1]))
    hard = hard_to_probs(torch.tensor([1]), torch.tensor([0.7]), 3)
    assert torch.allclose(hard, torch.tensor([[0.15, 0.7, 0.15]]))


def test_rank_and_select_top_k_match_a_loop():
    g = torch.Generator().manual_seed(0)
    groups = torch.randint(0, 5, (200,), generator=g)
    scores = torch.rand(200, generator=g)
    valid = torch.rand(200, generator=g) > 0.2
    ranks = rank_within(groups, scores)
    for grp in range(5):
        members = (groups == grp).nonzero().flatten()
        order = members[torch.argsort(scores[members], descending=True)]
        assert torch.equal(ranks[order], torch.arange(len(members)))
    picked = select_top_k(scores, groups, 3, valid)
    expected = []
    for grp in range(5):
        members = ((groups == grp) & valid).nonzero().flatten()
        expected += members[torch.argsort(scores[members],
                                          descending=True)][:3].tolist()
    assert picked.tolist() == expected
    worst_first = select_top_k(scores, groups, 3, valid, best_first=False)
    assert sorted(worst_first.tolist()) == sorted(expected)
    assert worst_first[:3].tolist() == expected[:3][::-1]


def test_group_class_means_min_count_and_order():
    feats = torch.arange(12, dtype=torch.float).reshape(6, 2)
    labels = torch.tensor([1, 1, 0, 2, 2, 255])
    groups = torch.tensor([0, 0, 0, 1, 1, 1])
    means, classes, counts = group_class_means(feats, labels, groups, 3, 2)
    assert classes.tolist() == [1, 2] and counts.tolist() == [2, 2]
    assert torch.allclose(means, torch.tensor([[1.0, 2.0], [7.0, 8.0]]))
    means, classes, _ = group_class_means(feats, labels, groups, 3, 1)
    assert classes.tolist() == [0, 1, 2]
    cm, cnt = class_means(feats, labels, 4)
    assert cnt.tolist() == [1, 2, 2, 0] and torch.equal(cm[3], torch.zeros(2))


def test_memory_weights_are_softmax_of_negative_scaled_distance():
    z, mu = torch.randn(7, 4), torch.randn(3, 4)
    w = memory_weights(z, mu, temperature=2.5)
    ref = torch.softmax(-2.5 * torch.cdist(z, mu), 1)
    assert torch.allclose(w, ref, atol=1e-6)
    assert torch.allclose(w.sum(1), torch.ones(7))


def test_calibrate_sums_to_one_fuses_and_ignores():
    g = torch.Generator().manual_seed(1)
    p = torch.softmax(torch.randn(50, 4, generator=g), 1)
    wl = torch.softmax(torch.randn(50, 4, generator=g), 1)
    ws = torch.softmax(torch.randn(50, 4, generator=g), 1)
    off = calibrate(p, wl, ws, torch.tensor(False))
    assert torch.equal(off.labels, off.labels_long)
    on = calibrate(p, wl, ws, torch.tensor(True), short_weight=0.5)
    ref = 0.5 * wl * p + 0.5 * ws * p
    assert torch.allclose(on.probs, ref / ref.sum(1, keepdim=True))
    assert torch.allclose(on.probs.sum(1), torch.ones(50))
    assert torch.equal(on.labels, ref.argmax(1))
    strict = calibrate(p, wl, ws, torch.tensor(True), threshold=0.6,
                       ignore_index=255)
    low = on.probs.max(1).values < 0.6
    assert low.any() and (strict.labels[low] == 255).all()
    assert torch.equal(strict.labels[~low], on.labels[~low])
    assert torch.equal(hard_labels(p, 0.0, 255), p.argmax(1))


def test_reverse_cross_entropy_by_hand_and_masking():
    logits = torch.tensor([[2.0, 0.0, -1.0], [0.0, 1.0, 0.0]])
    labels = torch.tensor([0, 255])
    p = torch.softmax(logits[0], 0)
    hand = -(p[1] + p[2]) * torch.log(torch.tensor(1e-4))
    got = reverse_cross_entropy(logits, labels)
    assert torch.allclose(got, hand / (1 + 1e-6), rtol=1e-5)
    logits2 = logits.clone()
    logits2[1] = torch.tensor([9.0, -9.0, 3.0])   # an ignored unit
    assert torch.allclose(reverse_cross_entropy(logits2, labels), got)


def test_symmetric_loss_weights_and_ignore():
    logits = torch.randn(6, 4, requires_grad=True)
    y = torch.tensor([0, 1, 255, 3, 2, 255])
    y_long = torch.tensor([0, 1, 2, 255, 2, 1])
    out = SymmetricLoss(alpha=0.1, beta=1.0)(logits, y, y_long)
    keep = y != 255
    ce = F.cross_entropy(logits[keep], y[keep])
    assert torch.allclose(out['loss_ce'], 0.1 * ce)
    assert torch.allclose(out['loss_rce'],
                          reverse_cross_entropy(logits, y_long))
    (out['loss_ce'] + out['loss_rce']).backward()
    assert logits.grad[2].abs().sum() > 0   # y ignored but y_long is not
