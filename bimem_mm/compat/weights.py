"""Refuse a checkpoint that does not fit the model it is loaded into.

MMEngine's ``load_checkpoint`` is non-strict: a checkpoint of another model
(unrelated keys, a plain classifier, a 12-class head) only logs a warning
and the model keeps its random weights. :func:`check_checkpoint_fits`
compares names and shapes first and raises naming the file and the first
offending keys. Keys that may legitimately differ are in
:data:`ALLOWED_DIFFERENCES` (documented in docs/installation.md).
:func:`check_resumable` does the same for ``--resume``.
"""
from typing import Dict, Sequence

import torch

from .checkpoint import safe_load

#: key prefixes (of a BiMem teacher-student model) that may be missing,
#: unexpected or of another shape: the EMA teacher (a copy of the student
#: that training re-derives; not when the model predicts with it,
#: ``predict_on='teacher'``), the memories (rebuilt by ``init_memory`` /
#: ``BiMemHook``; their queue length is a config option) and the sample
#: counters of DINE / the adaptive source schedule (``dine_target.``,
#: ``source_target.``; before issue 13 ``dine_samples_seen``,
#: ``source_samples_seen``), and DINE classification's per-image soft
#: labels (``soft_labels.``: sized to the training set when training
#: starts, so a freshly built model has none), and the warm-up options'
#: running class frequency (``warmup_criterion.``: only a warm-up with
#: ``warmup=dict(balance='running')`` has it).
ALLOWED_DIFFERENCES = ('teacher.', 'refiner.', 'source_target.',
                       'dine_target.', 'source_samples_seen',
                       'dine_samples_seen', 'soft_labels.',
                       'warmup_criterion.')
SHOW = 3   # keys named per kind of problem


class CheckpointMismatchError(RuntimeError):
    """A checkpoint does not fit the model, or is not what a flag needs."""


def _state_dict(ckpt, filename: str) -> Dict[str, torch.Tensor]:
    sd = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else None
    if not isinstance(sd, dict) or not all(
            isinstance(v, torch.Tensor) for v in sd.values()):
        raise CheckpointMismatchError(
            f'{filename}: holds no state_dict of tensors')
    return {k[len('module.'):] if k.startswith('module.') else k: v
            for k, v in sd.items()}


def _allowed(key: str, allowed: Sequence[str]) -> bool:
    return key.startswith(tuple(allowed))


def _named(keys):
    more = f' (+{len(keys) - SHOW} more)' if len(keys) > SHOW else ''
    return ', '.join(keys[:SHOW]) + more


def checkpoint_differences(model: torch.nn.Module, filename: str,
                           allowed: Sequence[str] = ALLOWED_DIFFERENCES):
    """(missing, unexpected, shape-mismatched) keys beyond ``allowed``."""
    from mmengine.model import is_model_wrapper
    if is_model_wrapper(model):
        model = model.module
    if getattr(model, 'predict_on', None) == 'teacher':
        allowed = [a for a in allowed if a != 'teacher.']   # it predicts
    theirs = _state_dict(safe_load(filename, map_location='cpu'), filename)
    ours = model.state_dict()
    missing = [k for k in ours if k not in theirs and not _allowed(k, allowed)]
    unexpected = [k for k in theirs
                  if k not in ours and not _allowed(k, allowed)]
    shapes = [f'{k} {tuple(theirs[k].shape)} vs model {tuple(v.shape)}'
              for k, v in ours.items() if k in theirs
              and theirs[k].shape != v.shape and not _allowed(k, allowed)]
    return missing, unexpected, shapes


def check_checkpoint_fits(model: torch.nn.Module, filename: str,
                          allow_partial: bool = False,
                          allowed: Sequence[str] = ALLOWED_DIFFERENCES
                          ) -> None:
    """Raise unless ``filename``'s weights fit ``model`` (names, shapes).

    With ``allow_partial`` the differences are printed as a WARNING and
    loading goes on (MMEngine's non-strict behaviour).
    """
    missing, unexpected, shapes = checkpoint_differences(model, filename,
                                                         allowed)
    parts = [f'{len(v)} {what} ({_named(v)})' for what, v in (
        ('missing keys', missing), ('unexpected keys', unexpected),
        ('shape mismatches', shapes)) if v]
    if not parts:
        return
    msg = (f'{filename}: does not fit {type(model).__name__}: '
           + '; '.join(parts))
    if allow_partial:
        import sys
        print(f'WARNING: {msg}; loading anyway (--allow-partial)',
              file=sys.stderr, flush=True)
        return
    raise CheckpointMismatchError(
        f'{msg}. Is it the checkpoint of this config? --allow-partial '
        'loads what fits')


RESUME_KEYS = ('meta', 'state_dict', 'optimizer', 'message_hub')


def check_resumable(filename: str) -> None:
    """Raise unless ``filename`` is a training checkpoint ``--resume`` can
    continue (MMEngine needs ``meta``, ``optimizer``, ``message_hub``)."""
    ckpt = safe_load(filename, map_location='cpu')
    missing = [k for k in RESUME_KEYS if not (isinstance(ckpt, dict)
                                              and k in ckpt)]
    if not missing:
        return
    meta = ckpt.get('meta', {}) if isinstance(ckpt, dict) else {}
    if isinstance(meta, dict) and 'warmup_checkpoint' in meta:
        kind = 'a tools/init_memory.py output'
    elif isinstance(ckpt, dict) and 'state_dict' in ckpt:
        kind = 'a weights-only checkpoint'
    else:
        kind = 'a bare state dict'
    raise CheckpointMismatchError(
        f'{filename}: not a training checkpoint ({kind}, no '
        f'{"/".join(missing)}); --resume continues an interrupted run. To '
        f'start training from its weights use --cfg-options '
        f'load_from={filename}')
