"""AdaptiveTarget: the one w * p_bb + (1 - w) * p_teacher mechanism of the
DINE baselines and bimem_plus's adaptive source (random tensors)."""
import pytest
import torch

from bimem_mm.core import AdaptiveTarget, label_accuracies


def _probs(n, c, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.softmax(3 * torch.randn(n, c, generator=g), 1)


def test_share_decays_per_epoch_and_batches_are_counted():
    target = AdaptiveTarget(momentum=0.5, num_samples=8)
    bb, teacher = _probs(4, 5, 0), _probs(4, 5, 1)
    first, w0 = target(bb, teacher, 4)
    assert w0 == 1.0 and torch.equal(first, bb)     # epoch 0: the black box
    assert int(target.samples_seen) == 4 and target.last_share == 1.0
    second, w1 = target(bb, teacher, 4)             # half an epoch seen
    assert w1 == pytest.approx(0.5 ** 0.5)
    assert torch.allclose(second, w1 * bb + (1 - w1) * teacher)
    assert torch.allclose(second.sum(1), torch.ones(4))
    target(bb, teacher, 4)
    assert target.share() == pytest.approx(0.5 ** 1.5)
    assert int(target.samples_seen) == 12


def test_counter_is_state_and_size_comes_later():
    target = AdaptiveTarget(momentum=0.6, name='dine')
    assert list(target.state_dict()) == ['samples_seen']
    with pytest.raises(RuntimeError, match='dine needs num_samples'):
        target.share()
    target.load_state_dict({'samples_seen': torch.tensor(20)})
    target.prepare_for_dataset(10)                  # what BiMemHook does
    assert target.share() == pytest.approx(0.36)
    with pytest.raises(ValueError, match=r'adaptive_source.momentum'):
        AdaptiveTarget(momentum=1.5, name='adaptive_source')


def test_label_accuracies_skip_unknown_and_dropped_units():
    truth = torch.tensor([0, 1, 2, 255, -1, 1])
    keep = torch.tensor([True, True, True, True, True, False])
    pred = torch.tensor([0, 1, 0, 255, -1, 1])
    stats = label_accuracies(truth, keep, 255, 'x/', a=pred, b=truth)
    assert set(stats) == {'x/acc_a', 'x/acc_b'}
    assert float(stats['x/acc_a']) == pytest.approx(2 / 3)
    assert float(stats['x/acc_b']) == 1.0
