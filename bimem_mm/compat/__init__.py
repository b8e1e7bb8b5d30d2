"""Fixes for running the unmaintained OpenMMLab stack on today's torch.

* :mod:`.checkpoint`: weights-only, atomic checkpoints for MMEngine.
* :mod:`.mmcv_build`: builds the mmcv wheel (C++ standard fix) once.
"""
from .checkpoint import (
                         CorruptCheckpointError,
                         UnsafeCheckpointError,
                         apply,
                         safe_load,
                         trust_checkpoints,
)

__all__ = ['apply', 'safe_load', 'trust_checkpoints', 'UnsafeCheckpointError',
           'CorruptCheckpointError']
