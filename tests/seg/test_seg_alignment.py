"""Stored black-box maps move with the image through every geometric
transform: the transformed map equals the map of the transformed image."""
import numpy as np
import pytest
import torch
from mmcv.transforms import Compose
from mmengine.registry import init_default_scope
from seg_helpers import fake_probs

import bimem_mm.seg  # noqa: F401
from bimem_mm.seg.blackbox import record_from_callable
from bimem_mm.seg.maps import align_to_view, black_box_grid, expand_topk_maps
from bimem_mm.store import PredictionWriter

H, W, C = 40, 48, 11
NEAREST = dict(interpolation='nearest')
GEOMETRIC = {
    'resize': [dict(type='Resize', scale=(96, 80), keep_ratio=False,
                    **NEAREST)],
    'rescale': [dict(type='Resize', scale=(60, 60), keep_ratio=True,
                     **NEAREST)],
    'random_resize': [dict(type='RandomResize', scale=(48, 40),
                           ratio_range=(0.6, 2.0), keep_ratio=True,
                           **NEAREST)],
    'random_crop': [dict(type='RandomCrop', crop_size=(24, 30))],
    'hflip': [dict(type='RandomFlip', prob=1.0, direction='horizontal')],
    'vflip': [dict(type='RandomFlip', prob=1.0, direction='vertical')],
    'all': [dict(type='RandomResize', scale=(48, 40), ratio_range=(1.0, 2.0),
                 keep_ratio=True, **NEAREST),
            dict(type='RandomCrop', crop_size=(32, 36)),
            dict(type='RandomFlip', prob=1.0, direction='horizontal')],
}


@pytest.fixture(scope='module')
def image():
    """(H, W, 3) uint8 made of 2x2 blocks (so a 2x downscale is exact)."""
    rng = np.random.default_rng(0)
    blocks = rng.integers(0, 256, (H // 2, W // 2), dtype=np.uint8)
    return np.repeat(np.repeat(blocks, 2, 0), 2, 1)[..., None].repeat(3, -1)


def _store(root, image, k, downscale, mode='topk'):
    args = type('Args', (), {'downscale': downscale})()
    with PredictionWriter(str(root), 'seg', [str(i) for i in range(C)],
                          mode=mode, k=k, dtype='float32') as writer:
        writer.add('img', **record_from_callable(fake_probs(image), {}, args))
    return str(root)


def _run(pipeline, image, seed=0):
    init_default_scope('mmseg')
    np.random.seed(seed)
    results = dict(img=image.copy(), img_shape=image.shape[:2],
                   ori_shape=image.shape[:2], bb_key='img', seg_fields=[])
    return Compose(pipeline)(results)


def _packed_map(packed):
    bb = packed['data_samples'].bb_topk
    indices = bb.indices[None] if 'indices' in bb else None
    return expand_topk_maps(bb.probs[None], indices, C)[0].permute(
        1, 2, 0).numpy()


def _reference(packed, k):
    """The stored top-k form of the black box on the transformed image."""
    img = packed['inputs'].permute(1, 2, 0).numpy()
    probs = fake_probs(img)
    if k >= C:
        return probs
    idx = np.argsort(-probs, -1, kind='stable')[..., :k]
    top = np.take_along_axis(probs, idx, -1)
    return expand_topk_maps(torch.from_numpy(top).permute(2, 0, 1)[None],
                            torch.from_numpy(idx).permute(2, 0, 1)[None],
                            C)[0].permute(1, 2, 0).numpy()


@pytest.mark.parametrize('name', list(GEOMETRIC))
@pytest.mark.parametrize('k,downscale', [(2, 1), (3, 2), (C, 1)])
def test_map_follows_the_image(tmp_path, image, name, k, downscale):
    store = _store(tmp_path / 's', image, k, downscale,
                   'probs' if k == C else 'topk')
    pipeline = ([dict(type='bimem_mm.LoadBlackBoxSegMap', store=store)]
                + GEOMETRIC[name] + [dict(type='bimem_mm.PackSegBlackBox')])
    for seed in range(3):
        packed = _run(pipeline, image, seed)
        got = _packed_map(packed)
        assert got.shape[:2] == packed['inputs'].shape[1:]
        np.testing.assert_allclose(got, _reference(packed, k), atol=1e-5)


def test_bilinear_image_resize_agrees_up_to_interpolation(tmp_path):
    blocks = np.random.default_rng(1).integers(0, 256, (H // 8, W // 8))
    image = np.kron(blocks, np.ones((8, 8))).astype(np.uint8)[..., None]
    store = _store(tmp_path / 's', image, 2, 1)
    packed = _run([dict(type='bimem_mm.LoadBlackBoxSegMap', store=store),
                   dict(type='RandomResize', scale=(48, 40),
                        ratio_range=(1.3, 1.7), keep_ratio=True),
                   dict(type='bimem_mm.PackSegBlackBox')], image)
    agree = (_packed_map(packed).argmax(-1)
             == _reference(packed, 2).argmax(-1)).mean()
    assert agree > 0.8           # disagreements only at block borders


@pytest.mark.parametrize('name', list(GEOMETRIC))
def test_teacher_view_coordinates(tmp_path, image, name):
    """For each student pixel, bb_coords point at the teacher pixel it came
    from; sampling the teacher's maps there gives the student's maps."""
    store = _store(tmp_path / 's', image, 2, 1)
    pipeline = ([dict(type='bimem_mm.LoadBlackBoxSegMap', store=store),
                 dict(type='bimem_mm.KeepTeacherView')] + GEOMETRIC[name]
                + [dict(type='bimem_mm.PackSegBlackBox')])
    packed = _run(pipeline, image, 1)
    sample = packed['data_samples']
    student = packed['inputs'].float()
    teacher = sample.teacher_inputs.float()
    assert teacher.shape == (3, H, W)
    coords = sample.bb_coords.data
    xs, ys = (coords[0] - 0.5).long(), (coords[1] - 0.5).long()
    assert torch.equal(teacher[:, ys, xs], student)
    x1, y1, x2, y2 = sample.metainfo['teacher_box']
    assert 0 <= x1 < x2 <= W and 0 <= y1 < y2 <= H
    if name == 'random_crop':
        assert (x2 - x1, y2 - y1) == (30, 24)
    # maps of the teacher's image resampled into the student's view
    maps = torch.from_numpy(fake_probs(teacher[0].byte().numpy())).permute(
        2, 0, 1)[None]
    hw = tuple(student.shape[1:])
    aligned, valid = align_to_view(maps, [coords], (H, W), hw, hw)
    want = torch.from_numpy(fake_probs(student[0].byte().numpy()))
    assert valid.all()
    torch.testing.assert_close(aligned[0].permute(1, 2, 0), want)


def test_black_box_grid_area_nearest_and_padding():
    """Image A (4x4): class 0 on the left half, class 1 on the right (top-2
    maps); image B: its top 2 rows only (padded to 4x4)."""
    probs = torch.zeros(2, 4, 4)                     # (K, H, W)
    probs[0, :, :2] = 1.0
    probs[1, :, 2:] = 1.0
    indices = torch.stack([torch.zeros(4, 4), torch.ones(4, 4)]).long()
    dist, valid = black_box_grid([probs, probs[:, :2]],
                                 [indices, indices[:, :2]], 3, (4, 4),
                                 (2, 2), 'area')
    assert dist.shape == (2, 3, 2, 2)
    torch.testing.assert_close(dist[0, :, 0, 0], torch.tensor([1., 0., 0.]))
    torch.testing.assert_close(dist[0, :, 1, 1], torch.tensor([0., 1., 0.]))
    assert valid[0].all() and valid[1, 0].all() and not valid[1, 1].any()
    torch.testing.assert_close(dist[1, :, 1, 0], torch.full((3, ), 1 / 3))
    # a 4x4 grid averages over pixels: half-covered cells mix
    half, _ = black_box_grid([probs], [indices], 3, (4, 4), (3, 3), 'area')
    torch.testing.assert_close(half[0, :2, 0, 1], torch.tensor([.5, .5]))
    near, _ = black_box_grid([probs], [indices], 3, (4, 4), (2, 2),
                             'nearest')
    assert torch.allclose(near.sum(1), torch.ones(1, 2, 2))
