"""--pair files of any image size, channels and class count: what the
benchmark reads from them, the errors for bad ones, and the options that
fit the classification models (scene tasks refuse non-digit pairs)."""
import numpy as np
import pytest
from image_pair_helpers import make_images

from bimem_mm.benchmark.cls import ClsRecipe
from bimem_mm.benchmark.det import DetRecipe
from bimem_mm.benchmark.image_pair import PairError, backbone_stages, read_format
from bimem_mm.benchmark.seg import SegRecipe


def test_format_is_read_from_the_files(tmp_path):
    rgb = make_images(tmp_path / 'rgb.npz', side=64)
    rgb2 = make_images(tmp_path / 'rgb2.npz', side=48, seed=1)
    fmt = read_format(rgb, rgb2)
    assert (fmt.channels, fmt.size, fmt.num_classes, fmt.digits) == \
        (3, 64, 10, False)
    # digit-sized files keep the digit recipe's 16x16 (grey unless RGB)
    grey = make_images(tmp_path / 'g.npz', side=28, rgb=False)
    usps = make_images(tmp_path / 'u.npz', side=16, rgb=False)
    assert read_format(usps, grey) == (1, 16, 10, True)
    assert read_format(usps, make_images(tmp_path / 'c.npz', side=28)) \
        == (3, 16, 10, True)
    # 31 classes from the labels, or from a ``classes`` array
    a31 = make_images(tmp_path / 'a31.npz', n=62, side=32, num_classes=31)
    assert read_format(a31, a31).num_classes == 31
    named = make_images(tmp_path / 'n.npz', side=32, num_classes=5,
                        classes=np.array([str(i) for i in range(12)]))
    assert read_format(named, named).num_classes == 12
    # flags win
    assert read_format(rgb, rgb2, channels=1, size=32, num_classes=40) \
        == (1, 32, 40, False)


def test_bad_files_are_named(tmp_path):
    ok = make_images(tmp_path / 'ok.npz', side=32)
    c31 = make_images(tmp_path / 'c31.npz', n=62, side=32, num_classes=31)
    with pytest.raises(PairError, match=r"c31\.npz: array 'y_test' has "
                       r'label 10 .*outside 0\.\.9.*class count mismatch'):
        read_format(ok, c31)
    named = make_images(tmp_path / 'named.npz', side=32,
                        classes=np.array(['a', 'b']))
    with pytest.raises(PairError, match=r'named\.npz: 2 classes but the '
                       r'source .*ok2\.npz has 10.*mismatch'):
        named_ok = make_images(tmp_path / 'ok2.npz', side=32,
                               classes=np.array([str(i) for i in range(10)]))
        read_format(named_ok, named)
    with pytest.raises(PairError, match=r"ok\.npz: array 'y_train' has "
                       r'label 5 at index 5 .*outside 0..4: --num-classes 5'):
        read_format(ok, ok, num_classes=5)
    flat = make_images(tmp_path / 'flat.npz', x_train=np.zeros((4, 256),
                                                               np.uint8))
    with pytest.raises(PairError, match=r"flat\.npz: array 'x_train' has "
                       r'shape \(4, 256\), expected \(N, H, W\)'):
        read_format(flat, ok)
    floats = make_images(tmp_path / 'f.npz', x_test=np.zeros((2, 8, 8)))
    with pytest.raises(PairError, match=r"f\.npz: array 'x_test' has dtype "
                       'float64'):
        read_format(ok, floats)
    no_test = tmp_path / 'nt.npz'
    np.savez(no_test, x_train=np.zeros((2, 8, 8), np.uint8),
             y_train=np.zeros(2, np.int64))
    with pytest.raises(PairError, match=r"nt\.npz: no array 'x_test'"):
        read_format(ok, str(no_test))
    bad = tmp_path / 'bad.npz'
    bad.write_bytes(b'not a zip')
    with pytest.raises(PairError, match=r'bad\.npz: not a readable \.npz'):
        read_format(str(bad), ok)


def test_backbone_fits_the_size():
    assert backbone_stages(16) == ((32, 64, 128), (False, True, True))
    channels, down = backbone_stages(64)
    assert channels == (32, 64, 128, 128, 128) and sum(down) == 4  # 64 -> 4
    assert sum(backbone_stages(32)[1]) == 3


def test_cls_options_fit_the_pair_and_digits_stay_as_they_were(tmp_path):
    src = make_images(tmp_path / 's.npz', n=62, side=64, num_classes=31)
    tgt = make_images(tmp_path / 't.npz', n=62, side=64, num_classes=31, seed=1)
    recipe = ClsRecipe(src, tgt, str(tmp_path / 'out'), seed=0, iters=2)
    bb, bimem = recipe.options('black_box'), recipe.options('bimem')
    assert 'model.head.num_classes=31' in bb
    assert 'model.backbone.in_channels=3' in bb
    assert 'train_dataloader.dataset.rgb=True' in bb
    assert 'train_dataloader.dataset.crop=None' in bb
    assert 'train_dataloader.dataset.num_classes=31' in bb
    assert 'model.model.head.num_classes=31' in bimem
    assert 'model.model.backbone.downsample=(False,True,True,True,True)' \
        in bimem
    # found by type in the config: the store reader and the random crop
    assert 'train_dataloader.dataset.pipeline.0.num_classes=31' in bimem
    assert any(o.endswith('crop_size=64') for o in bimem)
    assert recipe.predict_args[:2] == ['--model-cfg-options',
                                       'model.backbone.in_channels=3']
    digits = make_images(tmp_path / 'd.npz', side=16, rgb=False)
    plain = ClsRecipe(digits, digits, str(tmp_path / 'o2'), seed=0)
    assert not any('model.' in o or 'rgb' in o or 'num_classes' in o
                   for o in plain.options('bimem'))
    assert plain.predict_args == []


def test_scene_tasks_refuse_pairs_they_cannot_compose(tmp_path):
    photos = make_images(tmp_path / 'p.npz', side=64)
    c31 = make_images(tmp_path / 'c.npz', n=62, side=28, num_classes=31)
    digits = make_images(tmp_path / 'd.npz', side=28, rgb=False)
    for recipe in (SegRecipe, DetRecipe):
        with pytest.raises(PairError, match='not a digit pair.*--tasks cls'):
            recipe.check_pair(photos, photos)
        with pytest.raises(PairError, match='31 classes'):
            recipe.check_pair(c31, c31)
        with pytest.raises(PairError, match='for classification'):
            recipe.check_pair(digits, digits, dict(channels=3))
        assert recipe.check_pair(digits, digits).num_classes == 10
