"""The digit-scene composer and its mmdet-format dataset."""
import numpy as np
import pytest
from det_helpers import make_npz, scene_dataset

from bimem_mm.det.scenes import compose_scenes, load_scenes


def _digits(n=30, side=16, seed=0):
    rng = np.random.default_rng(seed)
    x = np.zeros((n, side, side), np.uint8)
    x[:, 3:13, 5:11] = rng.integers(100, 256, (n, 1, 1))
    return x


def test_compose_is_seeded_and_boxes_are_valid():
    a = compose_scenes(_digits(), 20, canvas=64, per_scene=(2, 5),
                       digit_size=(14, 22), seed=3)
    b = compose_scenes(_digits(), 20, canvas=64, per_scene=(2, 5),
                       digit_size=(14, 22), seed=3)
    c = compose_scenes(_digits(), 20, canvas=64, seed=4)
    assert a.images.shape == (20, 64, 64) and a.images.dtype == np.uint8
    assert np.array_equal(a.images, b.images)
    assert not np.array_equal(a.images, c.images)
    for boxes, ids, img in zip(a.boxes, a.digits, a.images):
        assert 1 <= len(boxes) <= 5 and len(ids) == len(boxes)
        assert (boxes[:, :2] >= 0).all() and (boxes[:, 2:] <= 64).all()
        assert (boxes[:, 2:] > boxes[:, :2]).all()
        # one box per digit, no two boxes overlap, ink inside every box
        x1, y1, x2, y2 = boxes.T
        inter = ((np.minimum(x2[:, None], x2) - np.maximum(x1[:, None], x1)
                  ).clip(0) * (np.minimum(y2[:, None], y2)
                               - np.maximum(y1[:, None], y1)).clip(0))
        np.fill_diagonal(inter, 0)
        assert (inter == 0).all()
        for bx in boxes.astype(int):
            assert img[bx[1]:bx[3], bx[0]:bx[2]].max() > 64


def test_scenes_do_not_depend_on_labels(tmp_path):
    npz = make_npz(tmp_path / 'd.npz')
    with_labels, classes = load_scenes(npz, num_scenes=8)
    without, none = load_scenes(npz, num_scenes=8, with_label=False)
    assert none is None and np.array_equal(with_labels.images, without.images)
    y = np.load(npz)['y_train']
    assert all((c == y[d]).all() for c, d in zip(classes,
                                                 with_labels.digits))
    with pytest.raises(ValueError, match='d.npz.*canvas'):
        load_scenes(npz, canvas=10)


def test_dataset_items_in_mmdet_format(tmp_path):
    npz = make_npz(tmp_path / 'd.npz')
    info = scene_dataset(npz).get_data_info(2)
    assert info['img'].shape == (64, 64, 3)
    assert info['bb_key'] == 'scenes/x_train/000002'
    inst = info['instances'][0]
    assert set(inst) == {'bbox', 'bbox_label', 'ignore_flag'}
    assert 'instances' not in scene_dataset(
        npz, with_label=False).get_data_info(2)
