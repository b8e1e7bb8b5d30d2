"""Black-box boxes follow the image through mmdet's resizes and flips."""
import numpy as np
import pytest
import torch
from det_helpers import META, scene_dataset, tiny_data
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope

from bimem_mm.det.pseudo_boxes import attach_instances, pseudo_boxes


@pytest.fixture
def data(tmp_path):
    return tiny_data(tmp_path)


def _samples(npz, store, geometric):
    """Scenes whose store boxes equal their labelled boxes, packed after
    ``geometric``: mmdet moves ``gt_bboxes``, we project ``bb_bboxes``."""
    init_default_scope('mmdet')
    pipeline = ([dict(type='bimem_mm.LoadBlackBoxBoxes', store=store),
                 dict(type='LoadAnnotations', with_bbox=True)] + geometric
                + [dict(type='PackDetInputs', meta_keys=META)])
    ds = scene_dataset(npz, pipeline=pipeline)
    return pseudo_collate([ds[i] for i in range(4)])['data_samples']


@pytest.mark.parametrize('geometric', [
    [],
    [dict(type='Resize', scale=(96, 80), keep_ratio=False)],
    [dict(type='RandomFlip', prob=1.0, direction='horizontal')],
    [dict(type='Resize', scale=(48, 48), keep_ratio=True),
     dict(type='RandomFlip', prob=1.0, direction='vertical')],
    [dict(type='RandomResize', scale=(64, 64), ratio_range=(0.5, 2.0),
          keep_ratio=True),
     dict(type='RandomFlip', prob=1.0, direction='diagonal')],
], ids=['none', 'resize', 'hflip', 'resize+vflip', 'randresize+dflip'])
def test_projection_matches_mmdet_transforms(data, geometric):
    samples = _samples(*data, geometric)
    pseudo = pseudo_boxes(samples, score_thr=0.0, min_size=0.0)
    for sample, boxes in zip(samples, pseudo.bboxes):
        moved = sample.gt_instances.bboxes.tensor
        assert boxes.shape == moved.shape
        torch.testing.assert_close(boxes, moved, atol=1e-3, rtol=0)


def test_units_flatten_threshold_and_attach(data):
    samples = _samples(*data, [])
    n = [len(s.metainfo['bb_bboxes']) for s in samples]
    pseudo = pseudo_boxes(samples, score_thr=0.5)
    assert pseudo.probs.shape == (sum(n), 10)
    assert pseudo.groups.tolist() == np.repeat(np.arange(4), n).tolist()
    assert len(pseudo_boxes(samples, score_thr=0.95).probs) == 0  # 0.9 each
    labels = pseudo.probs.argmax(1)
    keep = torch.arange(sum(n)) % 2 == 0
    attach_instances(samples, pseudo, labels, keep, labels_long=labels + 1)
    inst = samples[1].gt_instances
    mask = keep[pseudo.groups == 1]
    torch.testing.assert_close(inst.bboxes, pseudo.bboxes[1][mask])
    assert (inst.labels_long == inst.labels + 1).all()


def test_missing_meta_is_explained(data):
    tiny_npz, tiny_store = data
    init_default_scope('mmdet')
    ds = scene_dataset(tiny_npz, pipeline=[
        dict(type='bimem_mm.LoadBlackBoxBoxes', store=tiny_store),
        dict(type='PackDetInputs')])   # default meta_keys drop the boxes
    with pytest.raises(KeyError, match='BLACK_BOX_META_KEYS'):
        pseudo_boxes([ds[0]['data_samples']])
