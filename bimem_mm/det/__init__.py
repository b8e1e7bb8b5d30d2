"""Detection on mmdetection (imports mmdet).

Pulled in by configs through ``custom_imports=dict(imports=['bimem_mm.det'])``.
"""
from ..utils.lazy import require

require('mmdet', 'bimem_mm.det')

from .box_probs import BoxProbsDetector  # noqa: E402
from .datasets import DigitScenesDataset  # noqa: E402
from .detector import BiMemDetector  # noqa: E402
from .dine import DINEDetector  # noqa: E402
from .transforms import BLACK_BOX_META_KEYS, LoadBlackBoxBoxes  # noqa: E402
from .warmup_ema import WarmupEMAHook  # noqa: E402

__all__ = ['BiMemDetector', 'DINEDetector', 'BoxProbsDetector',
           'DigitScenesDataset', 'LoadBlackBoxBoxes', 'BLACK_BOX_META_KEYS',
           'WarmupEMAHook']
