"""bimem_mm: BiMem black-box domain adaptation for OpenMMLab.

Importing the package registers nothing task-specific and imports none of
mmseg, mmdet or mmpretrain: the task adapters live in ``bimem_mm.cls``,
``bimem_mm.seg`` and ``bimem_mm.det`` and are imported by configs through
``custom_imports``.
"""
from .version import __version__

__all__ = ['__version__']
