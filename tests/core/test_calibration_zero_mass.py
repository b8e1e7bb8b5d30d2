"""Issue 12, case 11: a unit whose calibrated scores w * p are all zero.

With T = 10 (``bimem_plus``, digit det configs) softmax(-T d) underflows to
exactly 0 for far prototypes, and an expanded top-k store is exactly 0
outside its k, so w * p can vanish. Before the fix such a unit got label 0
(argmax of zeros) with confidence 0, which threshold 0 keeps.
"""
import torch

from bimem_mm.core import BiMem, calibrate, hard_labels, memory_weights


def _far_unit_setup():
    """Prototypes of 3 classes; unit 0 sits on class 2's prototype."""
    protos = torch.tensor([[0.0, 0.0], [0.0, 1.0], [20.0, 0.0]])
    feats = torch.tensor([[20.0, 0.0], [0.1, 0.9]])
    # black box: unit 0 top-2 = classes 0, 1 holding all the mass
    p = torch.tensor([[0.6, 0.4, 0.0], [0.2, 0.7, 0.1]])
    return protos, feats, p


def test_all_zero_rows_are_ignored_and_counted():
    protos, feats, p = _far_unit_setup()
    w = memory_weights(feats, protos, temperature=10.0)
    assert (w[0, :2] == 0).all()            # underflow, exactly
    assert float((w * p)[0].sum()) == 0.0
    cal = calibrate(p, w, None, torch.tensor(False), threshold=0.0,
                    ignore_index=255)
    assert cal.labels.tolist() == [255, 1]
    assert cal.labels_long.tolist() == [255, 1]
    assert int(cal.zero_mass) == 1


def test_hard_labels_unchanged_on_nonzero_rows():
    torch.manual_seed(0)
    scores = torch.rand(50, 7) ** 4
    scores[3] = 0
    got = hard_labels(scores, 0.0, 255)
    assert got[3] == 255
    keep = torch.arange(50) != 3
    assert torch.equal(got[keep], scores[keep].argmax(1))


def test_bimem_logs_zero_mass_units():
    protos, feats, p = _far_unit_setup()
    mem = BiMem(3, 2, queue_length=4, units_per_group=1, temperature=10.0,
                min_units_long=1)
    mem.accumulate_init(protos, torch.eye(3), torch.arange(3))
    mem.finalize_init()
    assert float(mem.statistics()['zero_mass']) == 0.0
    q = torch.tensor([[0.1, 0.1, 0.8], [0.1, 0.8, 0.1]])
    cal = mem.refine(feats, q, p, torch.arange(2))
    assert cal.labels[0] == 255
    assert float(mem.statistics()['zero_mass']) == 1.0
