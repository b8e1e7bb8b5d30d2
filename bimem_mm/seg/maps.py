"""Per-pixel maps onto the decode head's grid (plain PyTorch, batched).

Shapes: ``B`` images, ``K`` stored top-k entries, ``C`` classes, ``(H, W)``
the padded network input, ``(h, w)`` the decode head's feature map (the
*grid*: one BiMem unit per grid pixel).
"""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

RESIZE_MODES = ('area', 'nearest')


def pad_stack(maps: Sequence[Tensor], hw: Tuple[int, int],
              value: float = 0.0) -> Tuple[Tensor, Tensor]:
    """Pad per-image (M, H_i, W_i) maps bottom/right to ``hw`` and stack.

    Returns:
        (B, M, H, W) maps and a (B, 1, H, W) float mask, 1 inside image i.
    """
    out, inside = [], []
    for m in maps:
        pad = (0, hw[1] - m.shape[-1], 0, hw[0] - m.shape[-2])
        if min(pad) < 0:
            raise ValueError(f'map of size {tuple(m.shape[-2:])} is larger '
                             f'than the input {tuple(hw)}')
        out.append(F.pad(m.float(), pad, value=value))
        inside.append(F.pad(m.new_ones((1,) + m.shape[-2:]).float(), pad))
    return torch.stack(out), torch.stack(inside)


def expand_topk_maps(probs: Tensor, indices: Optional[Tensor],
                     num_classes: int) -> Tensor:
    """(B, K, H, W) top-k probabilities (+ class indices) -> (B, C, H, W).

    The mass missing from the top-k is spread evenly over the other classes
    (as :func:`bimem_mm.core.expand_topk`); ``indices=None`` means the
    probabilities already are the C-way distribution.
    """
    if indices is None:
        return probs.float()
    k = probs.shape[1]
    if k >= num_classes:
        rest = probs.new_zeros(())
    else:
        rest = (1.0 - probs.sum(1, keepdim=True)).clamp_min(0.0) / (
            num_classes - k)
    shape = (probs.shape[0], num_classes) + probs.shape[2:]
    out = rest.expand(shape).float().clone()
    out.scatter_(1, indices.long(), probs.float())
    return out / out.sum(1, keepdim=True).clamp_min(1e-12)


def _resize(x: Tensor, size, mode: str) -> Tensor:
    if tuple(x.shape[-2:]) == tuple(size):
        return x
    return F.interpolate(x, size=size, mode=mode)


def black_box_grid(probs: List[Tensor], indices: Optional[List[Tensor]],
                   num_classes: int, input_hw: Tuple[int, int],
                   grid_hw: Tuple[int, int], mode: str = 'area'
                   ) -> Tuple[Tensor, Tensor]:
    """Stored per-image maps (aligned with the input) -> grid distributions.

    Args:
        probs: per image (K, H_i, W_i), H_i <= H (bottom/right padding).
        indices: per image (K, H_i, W_i) class ids, or None (mode probs).
        num_classes: C.
        input_hw: (H, W) of the padded batch.
        grid_hw: (h, w) of the feature map.
        mode: ``'area'``: expand to C at input resolution, then average
            over each grid cell; ``'nearest'``: pick one pixel per cell.

    Returns:
        (B, C, h, w) distributions and (B, h, w) bool valid (the cell lies
        at least half inside the image).
    """
    if mode not in RESIZE_MODES:
        raise ValueError(f'mode must be one of {RESIZE_MODES}, got {mode!r}')
    p, inside = pad_stack(probs, input_hw)
    idx = None if indices is None else pad_stack(indices, input_hw)[0]
    if mode == 'nearest':
        p, inside = _resize(p, grid_hw, mode), _resize(inside, grid_hw, mode)
        idx = None if idx is None else _resize(idx, grid_hw, mode)
        dist = expand_topk_maps(p, idx, num_classes) * inside
    else:
        dist = _resize(expand_topk_maps(p, idx, num_classes) * inside,
                       grid_hw, 'area')
        inside = _resize(inside, grid_hw, 'area')
    valid = inside[:, 0] >= 0.5
    dist = dist / inside.clamp_min(1e-6)
    return torch.where(valid[:, None], dist, dist.new_tensor(
        1.0 / num_classes)), valid


def labels_grid(labels: Tensor, grid_hw: Tuple[int, int]) -> Tensor:
    """(B, 1, H, W) int labels -> (B, h, w) long, nearest pixel per cell."""
    return _resize(labels.float(), grid_hw, 'nearest')[:, 0].long()


def align_to_view(maps: Tensor, coords: List[Tensor],
                  teacher_hw: Tuple[int, int], input_hw: Tuple[int, int],
                  grid_hw: Tuple[int, int]) -> Tuple[Tensor, Tensor]:
    """Sample maps computed on the teacher's (full) view at the student's
    grid cells.

    Args:
        maps: (B, M, h_t, w_t) teacher maps of the padded teacher input.
        coords: per image (2, H_i, W_i): for each pixel of the student's
            view, the (x, y) pixel-centre coordinate in the teacher image
            it came from (``bimem_mm.KeepTeacherView`` makes them; resize,
            crop and flip move them with the image).
        teacher_hw: (H_t, W_t) of the padded teacher input.
        input_hw: (H, W) of the padded student input.
        grid_hw: (h, w) of the student's feature map.

    Returns:
        (B, M, h, w) maps bilinearly sampled at each cell's mean source
        coordinate (resize, crop and flip of the official ``full2weak`` in
        one step) and (B, h, w) bool valid.
    """
    xy, inside = pad_stack(coords, input_hw)  # padding is 0 in xy too
    inside = _resize(inside, grid_hw, 'area')
    xy = _resize(xy, grid_hw, 'area')
    valid = inside[:, 0] >= 0.5
    xy = xy / inside.clamp_min(1e-6)
    scale = xy.new_tensor([teacher_hw[1], teacher_hw[0]])[None, :, None,
                                                           None]
    grid = (2 * xy / scale - 1).permute(0, 2, 3, 1)
    grid = torch.where(valid[..., None], grid, grid.new_zeros(()))
    out = F.grid_sample(maps.float(), grid, mode='bilinear',
                        padding_mode='border', align_corners=False)
    return out, valid
