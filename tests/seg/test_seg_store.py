"""Per-pixel black-box records: model/callable outputs, downscale, the
store's round trip and size, and the store-size benchmark's pieces."""
import argparse
import importlib.util
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample
from seg_helpers import REPO, fake_probs

from bimem_mm.seg.blackbox import (
    downscale_probs,
    record_from_callable,
    record_from_model,
)
from bimem_mm.store import PredictionStore, PredictionWriter

C = 7


def _args(downscale=1):
    return argparse.Namespace(downscale=downscale)


def _sample(h, w, seed=0):
    s = SegDataSample()
    s.seg_logits = PixelData(data=torch.randn(
        C, h, w, generator=torch.Generator().manual_seed(seed)) * 3)
    return s


def test_record_from_model_softmax_and_downscale():
    rec = record_from_model(_sample(10, 13), {}, _args())
    assert rec['probs'].shape == (10, 13, C) and rec['img_shape'] == (10, 13)
    np.testing.assert_allclose(rec['probs'].sum(-1), 1, atol=1e-5)
    small = record_from_model(_sample(10, 13), {}, _args(4))
    assert small['probs'].shape == (3, 4, C)       # ceil(10/4), ceil(13/4)
    assert small['img_shape'] == (10, 13)          # the original size
    np.testing.assert_allclose(small['probs'].sum(-1), 1, atol=1e-5)
    # area average: the mean distribution of each 4x4 cell (full cells)
    full = torch.from_numpy(rec['probs'][:8, :12]).permute(2, 0, 1)
    want = torch.nn.functional.avg_pool2d(full[None], 4)[0].permute(1, 2, 0)
    np.testing.assert_allclose(small['probs'][:2, :3], want.numpy(),
                               atol=1e-5)


def test_record_from_callable():
    probs = fake_probs(np.arange(48, dtype=np.uint8).reshape(6, 8), C)
    rec = record_from_callable(probs, {}, _args(2))
    assert rec['probs'].shape == (3, 4, C) and rec['img_shape'] == (6, 8)
    assert record_from_callable({'probs': probs}, {}, _args()) == {
        'probs': probs}
    with pytest.raises(ValueError, match=r'\(H, W, C\)'):
        record_from_callable(probs[0], {}, _args())
    assert downscale_probs(torch.ones(C, 4, 4) / C, 1).shape == (C, 4, 4)


@pytest.mark.parametrize('mode,k,dtype', [('topk', 3, 'float16'),
                                          ('hard', 1, 'float16'),
                                          ('probs', C, 'float32')])
def test_seg_store_round_trip_and_size(tmp_path, mode, k, dtype):
    recs = [record_from_model(_sample(16, 20, i), {}, _args(2))
            for i in range(3)]
    with PredictionWriter(str(tmp_path), 'seg', [str(i) for i in range(C)],
                          mode=mode, k=k, dtype=dtype) as writer:
        for i, rec in enumerate(recs):
            writer.add(f'city/img_{i}', **rec)
    store = PredictionStore(str(tmp_path))
    assert store.keys == [f'city/img_{i}' for i in range(3)]
    for i, rec in enumerate(recs):
        raw = store.record(f'city/img_{i}')
        assert raw['probs'].shape == (8, 10, k)
        assert tuple(raw['img_shape']) == (16, 20)
        back = store.probs(f'city/img_{i}')
        assert back.shape == (8, 10, C)
        np.testing.assert_array_equal(back.argmax(-1),
                                      rec['probs'].argmax(-1))
        top = rec['probs'] if mode == 'probs' else \
            np.sort(rec['probs'], -1)[..., ::-1][..., :k]
        np.testing.assert_allclose(raw['probs'], top, atol=2e-3)
        if mode != 'probs':
            assert raw['indices'].dtype == np.uint8
    # bytes per pixel: K values of the dtype + K uint8 indices (+ headers)
    per_pixel = k * (np.dtype(dtype).itemsize + (mode != 'probs'))
    payload = 3 * 8 * 10 * per_pixel
    assert payload < store.nbytes() < payload + 6000


def _store_size_module():
    path = osp.join(REPO, 'tools', 'benchmarks', 'store_size.py')
    spec = importlib.util.spec_from_file_location('store_size', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_store_size_pieces(tmp_path):
    mod = _store_size_module()
    rng = np.random.default_rng(0)
    gts = [rng.integers(0, C, (16, 16)) for _ in range(4)]
    # a black box that is right with a soft margin
    probs = [np.where(np.arange(C) == g[..., None], .7, .3 / (C - 1)).astype(
        np.float32) for g in gts]
    settings = [('topk', 2, 'float16', 1), ('topk', 1, 'float16', 4)]
    full, losses = mod.loss_table(probs, gts, settings, str(tmp_path))
    assert full[0] == pytest.approx(100.0)
    assert losses[settings[0]][0] == pytest.approx(0.0, abs=1e-6)
    assert losses[settings[1]][0] > 10        # random labels: 4x4 blocks
    assert mod.miou(np.array([0, 1, 1]), np.array([0, 1, 255]), 2) == 100.0
    # one 1024x2048 map stored at 1/8: 128 x 256 pixels x (2 + 1) bytes
    size = mod.cityscapes_bytes('topk', 1, 'float16', 8, str(tmp_path))
    assert 128 * 256 * 3 < size < 128 * 256 * 3 + 2000
    assert mod.DENSE_BYTES == 4 * 19 * 1024 * 2048
