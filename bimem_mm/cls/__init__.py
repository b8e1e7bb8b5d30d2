"""Classification on mmpretrain (imports mmpretrain).

Pulled in by configs through ``custom_imports=dict(imports=['bimem_mm.cls'])``.
"""
from ..utils.lazy import require

require('mmpretrain', 'bimem_mm.cls')

from .classifier import BiMemClassifier  # noqa: E402
from .dine import DINEClassifier  # noqa: E402

__all__ = ['BiMemClassifier', 'DINEClassifier']
