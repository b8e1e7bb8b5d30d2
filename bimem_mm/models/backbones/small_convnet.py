"""A small CNN backbone for digit-size images (CPU demos and tests)."""
from typing import Sequence

import torch
from mmengine.model import BaseModule
from torch import nn

from ...registry import MODELS


@MODELS.register_module()
class SmallConvNet(BaseModule):
    """Stacked conv-BN-ReLU stages, each halving the resolution but the last.

    Returns a tuple with one (B, C_last, H', W') map, like mmpretrain's
    backbones, so ``GlobalAveragePooling`` + ``LinearClsHead`` fit it.

    Args:
        in_channels: input channels.
        channels: width of each stage.
        downsample: for each stage, whether it max-pools by 2 first.
        dropout: spatial dropout after the last stage.
    """

    def __init__(self, in_channels: int = 1,
                 channels: Sequence[int] = (32, 64, 128),
                 downsample: Sequence[bool] = (False, True, True),
                 dropout: float = 0.0, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        layers, prev = [], in_channels
        for width, down in zip(channels, downsample):
            if down:
                layers.append(nn.MaxPool2d(2))
            layers += [nn.Conv2d(prev, width, 3, padding=1, bias=False),
                       nn.BatchNorm2d(width), nn.ReLU(inplace=True)]
            prev = width
        if dropout:
            layers.append(nn.Dropout2d(dropout))
        self.layers = nn.Sequential(*layers)
        self.out_channels = prev

    def forward(self, x: torch.Tensor):
        return (self.layers(x),)
