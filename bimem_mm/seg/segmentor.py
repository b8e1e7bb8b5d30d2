"""Adaptation around an mmseg ``EncoderDecoder``: a unit is a grid pixel.

:class:`SegmentorAdapter` lays out the units; the registered
:class:`BiMemSegmentor` composes it with the BiMem method
(``bimem_mm.DINESegmentor``, :mod:`bimem_mm.seg.dine`, with DINE's).

The grid is the decode head's feature map (stride 8 for DeepLabV2 on a
dilated ResNet). Per unit: the feature of the layer ``units.features``
(default ``decode_head.bottleneck``, the 256-d map of
``DeepLabV2BottleneckHead`` and of mmseg's ASPP/PSP heads), its logits (the
model's output), the image index as the group, and ``valid`` = the cell
lies inside the image (not batch padding).
The black-box distribution of a unit is the stored map averaged over its
cell (``bb_resize='area'``) or its nearest pixel.
"""
from typing import Optional

import torch
import torch.nn.functional as F
from mmseg.utils import stack_batch

from ..core.dine import mixup_consistency
from ..models.bimem_method import BiMemMethod
from ..models.teacher_student import TeacherStudentAdapter, Units
from ..registry import MODELS
from .maps import RESIZE_MODES, align_to_view, black_box_grid, labels_grid

TEACHER_VIEWS = ('same', 'full')


def _flat(maps: torch.Tensor) -> torch.Tensor:
    """(B, M, h, w) -> (B*h*w, M), image-major then row-major."""
    return maps.permute(0, 2, 3, 1).reshape(-1, maps.shape[1])


class SegmentorAdapter(TeacherStudentAdapter):
    """Student + EMA teacher around any mmseg ``EncoderDecoder``.

    ``units.features`` names the layer whose (B, D, h', w') output (or
    input, ``':input'``) holds the pixel features, e.g.
    ``'decode_head.fusion_conv'`` for ``SegformerHead``; it is resampled
    (bilinear) to the logits' grid when its size differs. Training samples
    carry the stored black-box maps (``bimem_mm.LoadBlackBoxSegMap`` ...
    ``PackSegBlackBox``).

    Args:
        teacher_view: ``'same'``: the teacher sees the student's (weakly
            augmented) view. ``'full'``: the official design; the teacher
            sees the un-augmented image kept by ``bimem_mm.KeepTeacherView``
            and its maps are resampled into the student's view (falls back
            to ``'same'`` for samples without it, e.g. the memory
            initialisation pass).
        bb_resize: ``'area'`` (mean distribution over a grid cell) or
            ``'nearest'``.
        upsample: the grid is the head's map upsampled (bilinear) by this
            factor (official: 2, units at 1/4 of the input for a stride-8
            head; the digit scenes use 4 on a stride-4 head: pixels).
        analysis_key: ``'gt_sem_seg'`` to log pseudo-label accuracy when the
            training set carries labels (opt-in analysis; never in a loss).
        **kwargs: see :class:`bimem_mm.models.TeacherStudentAdapter`.
    """
    default_preprocessor = 'mmseg.SegDataPreProcessor'
    default_units = dict(features='decode_head.bottleneck', logits=None)

    def __init__(self, *args, teacher_view: str = 'same',
                 bb_resize: str = 'area', upsample: int = 1,
                 analysis_key: Optional[str] = None, **kwargs):
        super().__init__(*args, **kwargs)
        if teacher_view not in TEACHER_VIEWS:
            raise ValueError(f'teacher_view must be one of {TEACHER_VIEWS}, '
                             f'got {teacher_view!r}')
        if bb_resize not in RESIZE_MODES:
            raise ValueError(f'bb_resize must be one of {RESIZE_MODES}, got '
                             f'{bb_resize!r}')
        if int(upsample) < 1:
            raise ValueError(f'upsample must be >= 1, got {upsample}')
        self.teacher_view, self.bb_resize = teacher_view, bb_resize
        self.upsample = int(upsample)
        self.analysis_key = analysis_key
        self._grid = None  # (input_hw, grid_hw) of the student's batch

    def num_classes_of(self, model) -> int:
        return model.decode_head.num_classes

    def head_maps(self, model, inputs):
        """(B, *, H, W) inputs -> logits (B, C, h, w), features (B, D, h, w)
        on the grid (the logits' map upsampled by ``upsample``)."""
        feats, logits = self.recorded(
            model, lambda: model(inputs, mode='tensor'))
        if feats.dim() != 4:
            raise ValueError(f'units.features {self.units_cfg["features"]!r}'
                             f' gives a {tuple(feats.shape)} tensor, not a '
                             '(B, D, h, w) map')
        if feats.shape[-2:] != logits.shape[-2:]:
            feats = F.interpolate(feats, logits.shape[-2:], mode='bilinear',
                                  align_corners=False)
        if self.upsample > 1:
            up = dict(scale_factor=self.upsample, mode='bilinear',
                      align_corners=False)
            logits, feats = F.interpolate(logits, **up), F.interpolate(
                feats, **up)
        return logits, feats

    # --- units ----------------------------------------------------------
    def units(self, model, inputs, data_samples) -> Units:
        full = (model is self.teacher and self.teacher_view == 'full'
                and all('teacher_inputs' in s for s in data_samples))
        if full:
            if self._grid is None or self._grid[0] != inputs.shape[-2:]:
                with torch.no_grad():  # the student's grid for these inputs
                    self._grid = (inputs.shape[-2:], self.head_maps(
                        self.student, inputs)[0].shape[-2:])
            logits, feats, valid = self._full_view_maps(data_samples)
        else:
            logits, feats = self.head_maps(model, inputs)
            grid_hw = logits.shape[-2:]
            self._grid = (inputs.shape[-2:], grid_hw)
            valid = self._inside(data_samples, inputs.shape[-2:], grid_hw)
        b, _, h, w = logits.shape
        groups = torch.arange(b, device=logits.device).repeat_interleave(h * w)
        return Units(_flat(feats), _flat(logits), groups, valid.flatten())

    def _inside(self, data_samples, input_hw, grid_hw) -> torch.Tensor:
        """(B, h, w) bool: grid cells at least half inside each image."""
        ones = [torch.ones((1,) + tuple(s.img_shape[:2]),
                           device=self.data_preprocessor.device)
                for s in data_samples]
        return black_box_grid(ones, None, 1, input_hw, grid_hw)[1]

    def _full_view_maps(self, data_samples):
        """Teacher maps on the kept full images, sampled at the student's
        grid: logits (B, C, h, w), features (B, D, h, w), valid (B, h, w)."""
        dp = self.data_preprocessor
        imgs = [s.teacher_inputs.to(dp.device).float() for s in data_samples]
        if dp.channel_conversion and imgs[0].shape[0] == 3:
            imgs = [img[[2, 1, 0]] for img in imgs]
        if dp._enable_normalize:
            imgs = [(img - dp.mean) / dp.std for img in imgs]
        teacher_in = stack_batch(imgs, size_divisor=dp.size_divisor or 1,
                                 pad_val=dp.pad_val)[0]
        logits, feats = self.head_maps(self.teacher, teacher_in)
        input_hw, grid_hw = self._grid
        maps, valid = align_to_view(
            torch.cat([logits, feats], 1),
            [s.bb_coords.data for s in data_samples],
            teacher_in.shape[-2:], input_hw, grid_hw)
        c = logits.shape[1]
        return maps[:, :c], maps[:, c:], valid

    # --- mixup ------------------------------------------------------------
    def pixel_mixup(self, inputs, units: Units, alpha: float) -> torch.Tensor:
        """Pixel-aligned mixup consistency: the student's maps on a mix of
        two images should be the same mix of their (detached) maps; a unit
        counts only where it is valid in both images."""
        b, c = inputs.shape[0], units.logits.shape[1]
        h, w = self._grid[1]
        probs = torch.softmax(units.logits.detach().float(), 1).view(
            b, h, w, c).permute(0, 3, 1, 2)
        return mixup_consistency(
            lambda x: self.head_maps(self.student, x)[0], inputs, probs,
            alpha, valid=None if units.valid is None else
            units.valid.view(b, h, w))

    # --- black box and analysis -----------------------------------------
    def black_box(self, data_samples, units: Units) -> torch.Tensor:
        """(N, C) stored distributions on the grid of the last ``units``."""
        if any('bb_topk' not in s for s in data_samples):
            raise KeyError('data sample has no bb_topk: add '
                           'bimem_mm.LoadBlackBoxSegMap and '
                           'bimem_mm.PackSegBlackBox to the training pipeline')
        input_hw, grid_hw = self._grid
        maps = [s.bb_topk for s in data_samples]
        indices = [m.indices for m in maps] if 'indices' in maps[0] else None
        dist, _ = black_box_grid([m.probs for m in maps], indices,
                                 units.logits.shape[1], input_hw, grid_hw,
                                 self.bb_resize)
        return _flat(dist.to(units.logits.device))

    def analysis_labels(self, data_samples, units: Units):
        if self.analysis_key is None or any(
                self.analysis_key not in s for s in data_samples):
            return None
        input_hw, grid_hw = self._grid
        labels = [s.get(self.analysis_key).data.float() for s in data_samples]
        padded = torch.stack([F.pad(
            lab, (0, input_hw[1] - lab.shape[-1], 0,
                  input_hw[0] - lab.shape[-2]), value=self.ignore_index)
            for lab in labels])
        return labels_grid(padded, grid_hw).flatten().to(
            units.logits.device)


@MODELS.register_module()
class BiMemSegmentor(BiMemMethod, SegmentorAdapter):
    """BiMem (:class:`bimem_mm.models.BiMemMethod`) on a
    :class:`SegmentorAdapter`; mixup is :meth:`pixel_mixup`."""

    def mixup_loss(self, inputs, units: Units) -> torch.Tensor:
        return self.pixel_mixup(inputs, units, self.mix_alpha)
