"""bimem_mm.core.WarmupLoss: class-balanced and soft-label warm-up, values
checked by hand on small tensors."""
import math

import pytest
import torch
import torch.nn.functional as F

from bimem_mm.core import WarmupLoss, class_weights, soft_targets

IGN = 255


def test_class_weights_inverse_frequency_by_hand():
    freq = torch.tensor([0.5, 0.25, 0.25, 0.0])
    # freq ** -1 = [2, 4, 4, 0]; sum freq * w = 1 + 1 + 1 = 3 -> / 3
    torch.testing.assert_close(class_weights(freq),
                               torch.tensor([2 / 3, 4 / 3, 4 / 3, 0.0]))
    # power 0.5: [sqrt2, 2, 2, 0]; sum = .5 sqrt2 + .5 + .5
    w = torch.tensor([math.sqrt(2), 2.0, 2.0, 0.0])
    torch.testing.assert_close(class_weights(freq, 0.5),
                               w / (0.5 * math.sqrt(2) + 1.0))
    torch.testing.assert_close(class_weights(freq, max_weight=1.0),
                               torch.tensor([2 / 3, 1.0, 1.0, 0.0]))
    # power 0: every seen class weighs 1
    torch.testing.assert_close(class_weights(freq, 0.0),
                               torch.tensor([1.0, 1.0, 1.0, 0.0]))


def test_soft_targets_keep_topk_renormalised():
    p = torch.tensor([[0.5, 0.3, 0.15, 0.05]])
    torch.testing.assert_close(soft_targets(p, 2),
                               torch.tensor([[0.625, 0.375, 0.0, 0.0]]))
    torch.testing.assert_close(soft_targets(p), p)


def _case():
    torch.manual_seed(0)
    logits = torch.randn(5, 3)
    labels = torch.tensor([0, 0, 0, 1, IGN])
    bb = torch.softmax(torch.randn(5, 3) * 2, 1)
    return logits, labels, bb


def test_default_is_masked_cross_entropy():
    logits, labels, bb = _case()
    out = WarmupLoss(3, ignore_index=IGN)(logits, labels, bb)
    assert set(out) == {'loss_ce'}
    torch.testing.assert_close(
        out['loss_ce'], F.cross_entropy(logits, labels, ignore_index=IGN))


def test_batch_balance_weights_each_class_equally():
    logits, labels, bb = _case()
    loss = WarmupLoss(3, balance='batch', ignore_index=IGN)
    ce = F.cross_entropy(logits[:4], labels[:4], reduction='none')
    # freq 3/4, 1/4 -> weights 4/3 * a, 4 * a: the weighted mean is the
    # mean of the class means
    want = (ce[:3].mean() + ce[3]) / 2
    torch.testing.assert_close(loss(logits, labels, bb)['loss_ce'], want)
    torch.testing.assert_close(
        loss.weights(labels), torch.tensor([2 / 3, 2.0, 0.0]))
    assert loss.class_freq.sum() == 0          # no state in 'batch'
    # the same through F.cross_entropy's weight= (PyTorch semantics)
    w = torch.tensor([1 / 0.75, 1 / 0.25, 1.0])
    torch.testing.assert_close(
        loss(logits, labels, bb)['loss_ce'],
        F.cross_entropy(logits, labels, weight=w, ignore_index=IGN))


def test_running_balance_updates_and_is_saved():
    logits, labels, bb = _case()
    loss = WarmupLoss(3, balance='running', momentum=0.5, ignore_index=IGN)
    loss(logits, labels, bb)
    torch.testing.assert_close(loss.class_freq,
                               torch.tensor([0.75, 0.25, 0.0]))
    second = torch.tensor([2, 2, 2, 2, 1])
    out = loss(logits, second, bb)['loss_ce']
    freq = torch.tensor([0.375, 0.125 + 0.1, 0.4])     # 0.5 old + 0.5 new
    torch.testing.assert_close(loss.class_freq, freq)
    w = 1 / freq
    torch.testing.assert_close(
        out, F.cross_entropy(logits, second, weight=w))
    assert 'class_freq' in loss.state_dict()
    loss.eval()                                  # no update outside training
    loss(logits, labels, bb)
    torch.testing.assert_close(loss.class_freq, freq)


def test_soft_term_by_hand_and_combined():
    logits, labels, bb = _case()
    logp = F.log_softmax(logits, 1)
    target = soft_targets(bb, 2)
    soft_ce = -(target * logp).sum(1)
    keep = labels != IGN
    only = WarmupLoss(3, soft=1.0, soft_topk=2, ignore_index=IGN)(
        logits, labels, bb)
    assert set(only) == {'loss_soft'}
    torch.testing.assert_close(only['loss_soft'], soft_ce[keep].mean())
    # KL differs by the target's entropy only
    kl = F.kl_div(logp[keep], target[keep], reduction='sum') / keep.sum()
    ent = -(target[keep] * target[keep].clamp_min(1e-12).log()).sum(1).mean()
    torch.testing.assert_close(only['loss_soft'], kl + ent)
    mixed = WarmupLoss(3, soft=0.25, soft_topk=2, balance='batch',
                       ignore_index=IGN)(logits, labels, bb)
    w = torch.tensor([1 / 0.75, 1 / 0.75, 1 / 0.75, 4.0])
    ce = F.cross_entropy(logits[:4], labels[:4], reduction='none')
    torch.testing.assert_close(mixed['loss_ce'], 0.75 * (w * ce).sum() / w.sum())
    torch.testing.assert_close(mixed['loss_soft'],
                               0.25 * (w * soft_ce[:4]).sum() / w.sum())


def test_gradient_reaches_rare_class_more():
    logits, labels, bb = _case()
    logits.requires_grad_(True)
    plain = torch.autograd.grad(WarmupLoss(3, ignore_index=IGN)(
        logits, labels, bb)['loss_ce'], logits)[0]
    balanced = torch.autograd.grad(WarmupLoss(
        3, balance='batch', ignore_index=IGN)(logits, labels, bb)['loss_ce'],
        logits)[0]
    assert balanced[3].norm() > plain[3].norm()      # the rare class-1 unit
    assert balanced[4].abs().sum() == 0 == plain[4].abs().sum()


@pytest.mark.parametrize('bad, match', [
    (dict(soft=1.5), 'soft'), (dict(balance='epoch'), 'balance'),
    (dict(momentum=1.0), 'momentum'), (dict(soft_topk=0), 'soft_topk'),
    (dict(max_weight=0), 'max_weight')])
def test_bad_options_are_refused(bad, match):
    with pytest.raises(ValueError, match=f'warmup.{match}'):
        WarmupLoss(3, **bad)
