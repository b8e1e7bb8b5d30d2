"""Semantic segmentation on mmsegmentation (imports mmseg).

Pulled in by configs through ``custom_imports=dict(imports=['bimem_mm.seg'])``.
"""
from ..utils.lazy import require

require('mmseg', 'bimem_mm.seg')

from .datasets import GTA5Dataset, LoadMappedSegLabels, SynthiaDataset  # noqa: E402,E501
from .deeplabv2_head import DeepLabV2BottleneckHead, DeepLabV2Head  # noqa: E402
from .dine import DINESegmentor  # noqa: E402
from .metrics import SubsetIoUMetric  # noqa: E402
from .scenes import DigitSceneSegDataset  # noqa: E402
from .segmentor import BiMemSegmentor  # noqa: E402
from .transforms import (  # noqa: E402
    KeepTeacherView,
    LoadBlackBoxSegMap,
    PackSegBlackBox,
)

__all__ = [
    'BiMemSegmentor', 'DINESegmentor', 'DeepLabV2Head',
    'DeepLabV2BottleneckHead',
    'GTA5Dataset', 'SynthiaDataset', 'LoadMappedSegLabels',
    'DigitSceneSegDataset', 'LoadBlackBoxSegMap', 'KeepTeacherView',
    'PackSegBlackBox', 'SubsetIoUMetric'
]
