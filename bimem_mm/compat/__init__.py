"""Fixes for running the unmaintained OpenMMLab stack on today's torch.

* :mod:`.checkpoint`: weights-only, atomic checkpoints for MMEngine.
* :mod:`.weights`: refuse a checkpoint that does not fit the model.
* :mod:`.distributed`: ``--launcher pytorch`` on CPU (gloo).
* :mod:`.atomic`: atomic file writes naming the file on failure.
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
