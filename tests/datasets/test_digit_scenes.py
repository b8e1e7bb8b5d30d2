"""The digit-scene generators of detection and segmentation (one composer,
two placements, bimem_mm.datasets.digit_scenes) give the scenes they gave
before they were merged: sha256 digests of their outputs on fixed inputs,
recorded at 6937112 (before the merge) with this file's ``_cases``."""
import hashlib

import numpy as np
import pytest

#: digests recorded before the two generators became one module
BEFORE = {
    'det/default': 'a408f773ada97819', 'det/crowded': 'efd57781f687cf7f',
    'det/cycled': 'b10505f057333bf9', 'seg/default': 'ce19581cdea783dc',
    'seg/masks': '94e8fd550a1adfa2', 'seg/seeded': '9c214066b364f614',
    'det/file': '4fdb160275de7ab1', 'seg/file': '43a1eceaebcddb93'}


def _digits(n=23, side=20, seed=123):
    """(n, side, side) uint8 'digits' (bright strokes), one blank."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, side, side), np.uint8)
    for i in range(n):
        for _ in range(3):
            h, w = rng.integers(2, side // 2, 2)
            t, left = rng.integers(0, side - h), rng.integers(0, side - w)
            x[i, t:t + h, left:left + w] = rng.integers(90, 256)
    x[5] = 0                                  # no ink: detection skips it
    return x, np.arange(n) % 10


def _digest(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        if isinstance(a, (list, tuple)):
            h.update(_digest(*a).encode())
        else:
            a = np.ascontiguousarray(a)
            h.update(f'{a.dtype}{a.shape}'.encode())
            h.update(a.tobytes())
    return h.hexdigest()[:16]


def _det(name):
    from bimem_mm.det.scenes import compose_scenes
    kwargs = {
        'default': dict(num_scenes=40),
        'crowded': dict(num_scenes=30, canvas=40, per_scene=(4, 6),
                        digit_size=(12, 20), gap=2, max_tries=5),
        'cycled': dict(num_scenes=25, per_scene=(3, 3), seed=[7, 99],
                       ink_threshold=150)}[name]
    s = compose_scenes(_digits()[0], **kwargs)
    return _digest(s.images, s.boxes, s.digits)


def _seg(name):
    from bimem_mm.seg.scenes import compose_scenes
    x, y = _digits()
    kwargs = {
        'default': dict(masks=None, num_scenes=40),
        'masks': dict(masks=x > 100, num_scenes=30, canvas=40,
                      digit_size=(12, 20), per_scene=(4, 6), tries=5),
        'seeded': dict(masks=None, num_scenes=25, seed=7)}[name]
    return _digest(*compose_scenes(x, y, **kwargs))


def _file(task, tmp_path):
    """From a file of (N, 28, 28, 3) colour digits with ink masks."""
    from bimem_mm.det.scenes import load_scenes
    from bimem_mm.seg.scenes import scenes_from_npz
    x, y = _digits(n=17, side=28, seed=5)
    npz = str(tmp_path / 'digits.npz')
    np.savez(npz, x_train=np.stack([x, x // 2, 255 - x], -1), y_train=y,
             m_x_train=x > 100)
    if task == 'seg':
        return _digest(*scenes_from_npz(npz, crop=20, num_scenes=20, seed=3,
                                        canvas=48))
    scenes, classes = load_scenes(npz, num_scenes=20, crop=20, seed=3)
    blind, none = load_scenes(npz, num_scenes=20, crop=20, seed=3,
                              with_label=False)
    assert none is None and np.array_equal(blind.images, scenes.images)
    return _digest(scenes.images, scenes.boxes, scenes.digits, classes)


@pytest.mark.parametrize('case', sorted(BEFORE))
def test_scenes_are_bit_identical_to_before_the_merge(case, tmp_path):
    task, name = case.split('/')
    if name == 'file':
        got = _file(task, tmp_path)
    else:
        got = (_det if task == 'det' else _seg)(name)
    assert got == BEFORE[case], case
