"""BiMemDetector's ``min_box_size`` and ``warmup_threshold`` through the
wrapper: which black-box boxes become units / warm-up targets."""
import pytest
import torch
from det_helpers import BATCH, model_and_batch, tiny_data


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    return tiny_data(tmp_path_factory.mktemp('det_options'))


_model_and_batch = model_and_batch


def test_min_box_size_drops_small_projected_boxes(data):
    model, batch = _model_and_batch(data)
    device = batch['inputs'].device
    boxes = torch.cat(model.pseudo(batch['data_samples'], device).bboxes)
    side = (boxes[:, 2:] - boxes[:, :2]).min(1).values
    thr = float(side.median())
    assert 0 < int((side >= thr).sum()) < len(side)   # drops some, not all
    small, _ = _model_and_batch(data, min_box_size=thr, stage='warmup')
    kept = small.pseudo(batch['data_samples'], device)
    assert len(kept.groups) == int((side >= thr).sum())
    log = small.loss(batch['inputs'], batch['data_samples'])   # warm-up
    total, _ = small.parse_losses(log)
    assert torch.isfinite(total) and float(
        log['bimem/boxes_per_image']) == len(kept.groups) / BATCH


def test_warmup_threshold_drops_unsure_boxes(data):
    model, batch = _model_and_batch(data, stage='warmup')
    device = batch['inputs'].device
    probs = model.pseudo(batch['data_samples'], device).probs
    top = probs.max(1).values
    thr = float(top.median()) + 1e-6
    assert 0 < int((top >= thr).sum()) < len(top)
    every = model.loss(batch['inputs'], batch['data_samples'])
    sure, _ = _model_and_batch(data, stage='warmup', warmup_threshold=thr)
    log = sure.loss(batch['inputs'], batch['data_samples'])
    assert float(every['bimem/boxes_per_image']) == len(top) / BATCH
    assert float(log['bimem/boxes_per_image']) == pytest.approx(
        int((top >= thr).sum()) / BATCH)
