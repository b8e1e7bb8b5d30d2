"""How a segmentation black box's outputs become store records.

``tools/predict_blackbox.py --task seg`` calls these once per image; the
result is passed to ``PredictionWriter.add``. Maps are stored class axis
last, (H', W', C) -> top-k/probs/hard by the writer, at ``1/--downscale``
of the image size (``img_shape`` keeps the original (H, W)).
"""
import math

import numpy as np
import torch
import torch.nn.functional as F


def downscale_probs(probs: torch.Tensor, factor: float) -> torch.Tensor:
    """(C, H, W) probabilities -> (C, ceil(H/f), ceil(W/f)), renormalised.

    An integer ``factor`` averages each f x f block (the last row/column of
    blocks may be partial), so block (i, j) covers pixels [i f, (i + 1) f);
    ``bimem_mm.LoadBlackBoxSegMap`` repeats it back over exactly those
    pixels. Other factors use adaptive area pooling. ``factor`` <= 1:
    unchanged.
    """
    if factor is None or factor <= 1:
        return probs
    h, w = probs.shape[-2:]
    size = (max(1, math.ceil(h / factor)), max(1, math.ceil(w / factor)))
    x = probs[None].float()
    if float(factor).is_integer():
        f = int(factor)
        pad = (0, size[1] * f - w, 0, size[0] * f - h)
        sums = F.avg_pool2d(F.pad(x, pad), f, divisor_override=1)
        out = sums[0] / F.avg_pool2d(F.pad(torch.ones_like(x[:, :1]), pad),
                                     f, divisor_override=1)[0]
    else:
        out = F.interpolate(x, size=size, mode='area')[0]
    return out / out.sum(0, keepdim=True).clamp_min(1e-12)


def _record(probs_chw: torch.Tensor, img_shape, args) -> dict:
    probs = downscale_probs(probs_chw.float(), getattr(args, 'downscale', 1))
    return dict(probs=probs.permute(1, 2, 0).cpu().numpy(),
                img_shape=tuple(int(v) for v in img_shape))


def record_from_model(data_sample, data_info, args) -> dict:
    """mmseg prediction -> kwargs: softmax of ``seg_logits`` (C, H, W) at the
    original image size, downscaled, as (H', W', C)."""
    logits = data_sample.seg_logits.data
    if logits.shape[0] == 1:
        raise ValueError('binary (1-channel) seg_logits are not supported: '
                         'use out_channels=num_classes')
    return _record(torch.softmax(logits.float(), 0), logits.shape[-2:], args)


def record_from_callable(output, data_info, args) -> dict:
    """A callable's per-image output -> kwargs.

    ``output``: (H, W, C) probabilities of the image (class axis last), or
    a dict passed through unchanged (``probs`` and optionally
    ``img_shape``).
    """
    if isinstance(output, dict):
        return dict(output)
    probs = np.asarray(output, dtype=np.float32)
    if probs.ndim != 3:
        raise ValueError(f'seg black box must return (H, W, C) '
                         f'probabilities per image, got shape {probs.shape}')
    return _record(torch.from_numpy(probs).permute(2, 0, 1),
                   probs.shape[:2], args)
