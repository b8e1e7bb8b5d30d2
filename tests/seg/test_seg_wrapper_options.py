"""BiMemSegmentor's ``bb_resize``: the black box of a grid cell is the
mean over the cell (``'area'``, default) or its nearest pixel."""
import pytest
import torch
from mmengine.dataset import pseudo_collate
from seg_helpers import BATCH, BIMEM, build_cfg, make_npz, make_store

from bimem_mm.registry import DATASETS, MODELS
from bimem_mm.seg.maps import black_box_grid


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('seg_options')
    npz = make_npz(tmp / 'digits.npz')
    return npz, make_store(tmp / 'store', npz)


def _black_box(data, mode):
    """(N, C) black box of the grid (stride 4: cells of 4x4 pixels), the
    maps and grid it came from, and the model."""
    cfg = build_cfg(BIMEM, *data, ['model.upsample=1',
                                   f'model.bb_resize={mode}'])
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    ds = DATASETS.build(cfg.train_dataloader.dataset)
    batch = model.data_preprocessor(
        pseudo_collate([ds[i] for i in range(BATCH)]), True)
    units = model.units(model.student, batch['inputs'], batch['data_samples'])
    return model.black_box(batch['data_samples'], units), model, batch, units


def test_bb_resize_nearest_samples_one_pixel_per_cell(data):
    area, _, _, _ = _black_box(data, 'area')
    near, model, batch, units = _black_box(data, 'nearest')
    input_hw, grid_hw = model._grid
    assert grid_hw[0] < input_hw[0]                 # cells of several pixels
    maps = [s.bb_topk for s in batch['data_samples']]
    want, _ = black_box_grid([m.probs for m in maps],
                             [m.indices for m in maps],
                             units.logits.shape[1], input_hw, grid_hw,
                             'nearest')
    torch.testing.assert_close(near, want.permute(0, 2, 3, 1).reshape(
        -1, want.shape[1]))
    assert not torch.allclose(near, area)
    model.stage = 'warmup'
    assert torch.isfinite(model.loss(batch['inputs'],
                                     batch['data_samples'])['loss_ce'])
    with pytest.raises(ValueError, match='bb_resize'):
        MODELS.build(dict(build_cfg(BIMEM, *data).model, bb_resize='cubic'))
