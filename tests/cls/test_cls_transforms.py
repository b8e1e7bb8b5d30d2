"""RandomShift: the digit recipe's augmentation (edge padding)."""
import numpy as np
import pytest

from bimem_mm.cls.transforms import RandomShift


def _grey_square(channels=None):
    img = np.full((8, 8), 100, np.uint8)
    img[3:5, 3:5] = 255
    return img if channels is None else np.repeat(img[..., None], channels,
                                                  -1)


@pytest.mark.parametrize('channels', [None, 1, 3])
def test_edge_shift_keeps_the_background_and_moves_the_digit(channels):
    np.random.seed(0)
    shift = RandomShift(max_shift=2, padding_mode='edge')
    img = _grey_square(channels)
    moved = 0
    for _ in range(30):
        out = shift.transform(dict(img=img.copy()))['img']
        assert out.shape == img.shape
        # never a black bar: every pixel is background (100) or ink (255)
        assert set(np.unique(out)) <= {100, 255}
        assert (out == 255).sum() == (img == 255).sum()  # ink stays inside
        moved += not np.array_equal(out, img)
    assert moved > 15


def test_constant_mode_pads_with_zeros_and_zero_shift_is_identity():
    np.random.seed(1)
    img = _grey_square()
    pad = RandomShift(max_shift=2, padding_mode='constant')
    outs = [pad.transform(dict(img=img.copy()))['img'] for _ in range(20)]
    assert any((o == 0).any() for o in outs)
    same = RandomShift(max_shift=0).transform(dict(img=img.copy()))['img']
    np.testing.assert_array_equal(same, img)


def test_bad_options():
    with pytest.raises(ValueError, match='padding_mode'):
        RandomShift(padding_mode='wrap')
    with pytest.raises(ValueError, match='max_shift'):
        RandomShift(max_shift=-1)
