"""Det black-box records: outputs -> validated store -> pipeline."""
from argparse import Namespace

import numpy as np
import pytest
import torch
from det_helpers import scene_dataset, tiny_data
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData

from bimem_mm.det import LoadBlackBoxBoxes
from bimem_mm.det.blackbox import record_from_callable, record_from_model
from bimem_mm.store import PredictionStore, PredictionStoreError, PredictionWriter


@pytest.fixture
def data(tmp_path):
    return tiny_data(tmp_path)


C = 4


def _probs(n, seed=0):
    p = np.random.default_rng(seed).random((n, C)).astype(np.float32)
    return p / p.sum(1, keepdims=True)


def _write(root, records, mode='topk', k=2):
    with PredictionWriter(str(root), 'det', list('abcd'), mode=mode,
                          k=k) as w:
        for key, rec in records.items():
            w.add(key, **rec)
    return PredictionStore(str(root))


def test_callable_record_round_trip_clips_and_filters(tmp_path):
    out = dict(bboxes=[[-3, 2, 10, 12], [5, 5, 60, 45], [52, 1, 70, 9],
                       [1, 1, 4, 4]],
               scores=[0.9, 0.8, 0.7, 0.2], probs=_probs(4))
    rec = record_from_callable(out, dict(img=np.zeros((40, 50, 3))),
                               Namespace(score_thr=0.5))
    # clipped to the 50x40 image; the box right of it and the low score go
    np.testing.assert_allclose(rec['bboxes'], [[0, 2, 10, 12],
                                               [5, 5, 50, 40]])
    assert rec['img_shape'] == (40, 50)
    store = _write(tmp_path / 's', {'img': rec})
    raw = store.record('img')
    assert raw['bboxes'].shape == (2, 4) and raw['scores'].shape == (2,)
    full = store.probs('img')
    assert full.shape == (2, C)
    np.testing.assert_allclose(full.sum(1), 1, atol=1e-3)
    assert (full.argmax(1) == out['probs'][:2].argmax(1)).all()


def test_hard_label_callable_and_empty_image(tmp_path):
    out = dict(bboxes=[[1, 1, 9, 9]], scores=[0.8], labels=[2],
               num_classes=C)
    rec = record_from_callable(out, dict(ori_shape=(20, 20)), Namespace())
    np.testing.assert_allclose(rec['probs'], [[0.2 / 3, 0.2 / 3, 0.8,
                                               0.2 / 3]], atol=1e-6)
    empty = record_from_callable(dict(bboxes=np.zeros((0, 4)), scores=[],
                                      probs=np.zeros((0, C))),
                                 dict(ori_shape=(20, 20)), Namespace())
    store = _write(tmp_path / 's', {'a': rec, 'b': empty}, mode='hard')
    assert store.probs('b').shape == (0, C)
    assert store.record('a')['indices'].tolist() == [[2]]
    with pytest.raises(ValueError, match='labels'):
        record_from_callable(dict(bboxes=[[1, 1, 2, 2]], scores=[1.0]),
                             dict(ori_shape=(5, 5)), Namespace())


def test_model_record_needs_box_probs():
    sample = DetDataSample(metainfo=dict(ori_shape=(30, 40)))
    sample.pred_instances = InstanceData(
        bboxes=torch.tensor([[1., 2., 30., 20.]]), scores=torch.tensor([.9]),
        labels=torch.tensor([1]))
    with pytest.raises(KeyError, match='BoxProbsDetector'):
        record_from_model(sample, {}, Namespace(score_thr=0.0))
    sample.pred_instances.probs = torch.tensor(_probs(1))
    rec = record_from_model(sample, {}, Namespace(score_thr=0.0))
    assert rec['img_shape'] == (30, 40) and rec['probs'].shape == (1, C)


@pytest.mark.parametrize('box, match', [
    ([5, 5, 5, 9], 'x1 < x2'), ([5, 9, 8, 2], 'x1 < x2'),
    ([0, 0, 45, 10], 'inside'), ([np.nan, 0, 4, 4], 'finite')])
def test_writer_rejects_bad_boxes(tmp_path, box, match):
    with pytest.raises(PredictionStoreError, match=match):
        _write(tmp_path / 's', {'k': dict(
            probs=_probs(1), bboxes=[box], scores=[0.5],
            img_shape=(20, 40))})


def test_writer_rejects_wrong_class_count(tmp_path):
    p = np.full((1, C + 1), 1 / (C + 1), np.float32)
    with pytest.raises(PredictionStoreError, match='last dim'):
        _write(tmp_path / 's', {'k': dict(probs=p, bboxes=[[0, 0, 4, 4]],
                                          scores=[0.5])})


def test_load_black_box_boxes(tmp_path, data):
    tiny_npz, tiny_store = data
    info = scene_dataset(tiny_npz, with_label=False)[0]
    out = LoadBlackBoxBoxes(tiny_store, num_classes=10)(dict(info))
    n = len(out['bb_bboxes'])
    assert out['bb_probs'].shape == (n, 10) and out['bb_scores'].shape == (n,)
    with pytest.raises(PredictionStoreError, match='10 classes'):
        LoadBlackBoxBoxes(tiny_store, num_classes=8)
    cls_root = tmp_path / 'cls'
    with PredictionWriter(str(cls_root), 'cls', list('ab')) as w:
        w.add('x', np.array([0.5, 0.5], np.float32))
    with pytest.raises(PredictionStoreError, match='manifest.json.*det'):
        LoadBlackBoxBoxes(str(cls_root))
    with pytest.raises(PredictionStoreError, match='size'):
        LoadBlackBoxBoxes(tiny_store)(dict(info, ori_shape=(32, 32)))
