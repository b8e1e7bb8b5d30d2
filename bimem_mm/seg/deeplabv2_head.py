"""DeepLabV2 decode heads for mmseg 1.x (which has none).

Both heads work with mmseg's ordinary ``loss``/``predict`` (``forward``
returns logits); BiMem records the feature its memories store from a named
layer (``units.features`` of ``bimem_mm.BiMemSegmentor``), like any mmseg
head's.

* :class:`DeepLabV2Head`: the classic ASPP classifier, four 3x3 convs with
  dilations 6, 12, 18, 24 straight to the classes, outputs summed. Its
  feature is the backbone output it reads (2048-d on ResNet-101): layer
  ``'decode_head.aspp.0:input'``.
* :class:`DeepLabV2BottleneckHead`: the variant of ProDA / the official
  BiMem code (``Classifier_Module2``): a 1x1 and four dilated 3x3 branches
  of 256 channels (GroupNorm, ReLU), concatenated, an SE block, a 3x3
  bottleneck conv to 256 + GroupNorm: that 256-d map is the feature; then
  dropout 0.1 and a 1x1 classifier without bias. Layer
  ``'decode_head.bottleneck'`` (the segmentor's default).

Use them on a dilated ResNet of output stride 8, e.g. mmseg's
``ResNetV1c``/``ResNet`` with ``strides=(1, 2, 1, 1)``,
``dilations=(1, 1, 2, 4)``, ``out_indices=(3, )``.
"""
from typing import Sequence

import torch
from mmcv.cnn import ConvModule
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from torch import Tensor, nn

from ..registry import MODELS


class SEBlock(nn.Module):
    """Squeeze-and-excitation channel gate: (B, C, H, W) -> same shape."""

    def __init__(self, channels: int, ratio: int = 16):
        super().__init__()
        hidden = max(channels // ratio, 1)
        self.gate = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(channels, hidden),
                                  nn.ReLU(inplace=True),
                                  nn.Linear(hidden, channels), nn.Sigmoid())

    def forward(self, x: Tensor) -> Tensor:
        return x * self.gate(x)[:, :, None, None]


@MODELS.register_module()
class DeepLabV2Head(BaseDecodeHead):
    """Classic DeepLabV2 ASPP classifier (outputs of the branches summed).

    Args:
        in_channels: channels of the backbone map (2048 for ResNet-101).
        dilations: dilation (= padding) of each 3x3 branch.
        num_classes: C.
        **kwargs: other ``BaseDecodeHead`` arguments; ``channels`` defaults
            to ``in_channels`` (the feature is the head's input) and
            ``dropout_ratio`` to 0. Branch weights ~ N(0, 0.01), biases 0
            (as the original).

    Shapes: input (B, in_channels, h, w) -> logits (B, C, h, w); the
    feature (input of ``aspp[0]``) is (B, in_channels, h, w).
    """

    def __init__(self, in_channels: int,
                 dilations: Sequence[int] = (6, 12, 18, 24), **kwargs):
        kwargs.setdefault('channels', in_channels)
        kwargs.setdefault('dropout_ratio', 0.0)
        kwargs.setdefault('init_cfg', dict(type='Normal', std=0.01,
                                           bias=0, layer='Conv2d'))
        super().__init__(in_channels, **kwargs)
        self.conv_seg = None  # the summed ASPP branches are the classifier
        self.aspp = nn.ModuleList(
            nn.Conv2d(self.in_channels, self.out_channels, 3, padding=d,
                      dilation=d) for d in dilations)

    def forward(self, inputs) -> Tensor:
        """Backbone outputs -> logits (B, C, h, w)."""
        x = self._transform_inputs(inputs)
        out = self.aspp[0](x)
        for conv in self.aspp[1:]:  # one term per branch, not per pixel
            out = out + conv(x)
        return out


@MODELS.register_module()
class DeepLabV2BottleneckHead(BaseDecodeHead):
    """ProDA / BiMem DeepLabV2 head exposing a ``channels``-d feature map.

    Args:
        in_channels: channels of the backbone map.
        channels: width of every branch and of the feature (official 256).
        dilations: dilations of the 3x3 branches (official 6, 12, 18, 24).
        use_se: SE block on the concatenation (official True).
        se_ratio: SE reduction.
        norm_cfg: norm of branches and bottleneck (official GroupNorm with
            32 groups).
        num_classes: C.
        **kwargs: other ``BaseDecodeHead`` arguments (``dropout_ratio``
            defaults to the official 0.1).

    Shapes: input (B, in_channels, h, w) -> logits (B, C, h, w); the
    feature (output of ``bottleneck``) is (B, channels, h, w), before the
    dropout (the official code takes
    them after it, with the teacher in train mode: a random channel mask).
    """

    def __init__(self, in_channels: int, channels: int = 256,
                 dilations: Sequence[int] = (6, 12, 18, 24),
                 use_se: bool = True, se_ratio: int = 16,
                 norm_cfg: dict = dict(type='GN', num_groups=32,
                                       requires_grad=True),
                 **kwargs):
        kwargs.setdefault('dropout_ratio', 0.1)
        kwargs.setdefault('init_cfg', [
            dict(type='Kaiming', layer='Conv2d', a=0, mode='fan_in',
                 distribution='normal', bias=0),
            dict(type='Normal', std=0.001, override=dict(name='conv_seg'))])
        super().__init__(in_channels, channels, norm_cfg=norm_cfg, **kwargs)
        conv = dict(norm_cfg=self.norm_cfg, act_cfg=self.act_cfg, bias=True)
        self.branches = nn.ModuleList(
            [ConvModule(self.in_channels, channels, 1, **conv)] + [
                ConvModule(self.in_channels, channels, 3, padding=d,
                           dilation=d, **conv) for d in dilations])
        cat = channels * (len(dilations) + 1)
        self.se = SEBlock(cat, se_ratio) if use_se else nn.Identity()
        self.bottleneck = ConvModule(cat, channels, 3, padding=1, bias=True,
                                     norm_cfg=self.norm_cfg, act_cfg=None)
        self.conv_seg = nn.Conv2d(channels, self.out_channels, 1, bias=False)

    def forward(self, inputs) -> Tensor:
        """Backbone outputs -> logits (B, C, h, w)."""
        x = self._transform_inputs(inputs)
        cat = torch.cat([branch(x) for branch in self.branches], dim=1)
        return self.cls_seg(self.bottleneck(self.se(cat)))
