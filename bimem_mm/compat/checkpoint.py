"""Secure, atomic checkpoints for MMEngine 0.10.7 on torch >= 2.6.

Why this exists: torch >= 2.6 loads with ``weights_only=True`` by default,
and MMEngine's checkpoints hold ``HistoryBuffer`` objects (whose pickled
state includes bound methods that unpickle through ``builtins.getattr``)
and numpy arrays, so ``--resume`` fails. Passing ``weights_only=False``
lets a checkpoint file run arbitrary code. Allow-listing ``HistoryBuffer``
would need ``getattr`` too, which defeats the allowlist.

The design here:

* **Saving** converts everything to types that torch's weights-only
  unpickler accepts by default: a ``HistoryBuffer`` becomes a tagged dict
  of tensors, a numpy array a tagged tensor, a numpy scalar a Python
  number. Anything else unknown becomes its ``repr`` (with a warning).
  The file is written to a temporary name and renamed, so a crash never
  leaves a truncated checkpoint behind.
* **Loading** always uses ``weights_only=True`` with *no* extra globals,
  then turns the tagged values back into ``HistoryBuffer`` / numpy.
  A file that needs anything else is refused with a clear error; users who
  trust a file opt in with ``trust_checkpoints(True)`` (``--trust-checkpoint``
  in ``tools/train.py`` / ``tools/test.py``): every file is still tried
  weights-only first, and only a file that needs more is unpickled fully,
  with a WARNING naming it.

:func:`apply` installs both into MMEngine (it is idempotent): the loader as
the handler of local paths in ``CheckpointLoader`` and the saver in place
of ``mmengine.runner.runner.save_checkpoint``.
"""
from __future__ import annotations

import os.path as osp
import pickle
import sys
import warnings
from collections import OrderedDict
from typing import Any

import numpy as np
import torch

from .atomic import atomic_write

_HISTORY_TAG = '__bimem_history_buffer__'
_NDARRAY_TAG = '__bimem_ndarray__'
_SAFE_ATOMS = (str, int, float, bool, bytes, type(None), torch.Tensor,
               torch.dtype, torch.device, torch.Size)

_state = {'applied': False, 'trust': False}


class UnsafeCheckpointError(RuntimeError):
    """A checkpoint needs more than the weights-only unpickler allows."""


class CorruptCheckpointError(RuntimeError):
    """A checkpoint file is missing, truncated or not a torch file."""


def trust_checkpoints(trust: bool = True) -> None:
    """Opt in (or back out) of loading checkpoints with full pickle.

    Only for files you trust: a pickle can run any code when loaded.
    """
    _state['trust'] = bool(trust)


def to_safe(obj: Any, path: str = 'checkpoint') -> Any:
    """Return a copy of ``obj`` made only of weights-only-loadable types."""
    from mmengine.logging import HistoryBuffer

    if isinstance(obj, np.generic):   # before atoms: np.float64 is a float
        return obj.item()
    if isinstance(obj, _SAFE_ATOMS):
        return obj
    if isinstance(obj, HistoryBuffer):
        logs, counts = obj.data
        return {
            _HISTORY_TAG: True,
            'log_history': torch.from_numpy(np.asarray(logs, np.float64)),
            'count_history': torch.from_numpy(np.asarray(counts, np.float64)),
            'max_length': int(obj.max_length),
        }
    if isinstance(obj, np.ndarray):
        if obj.dtype == object:
            return [to_safe(v, f'{path}[]') for v in obj.tolist()]
        return {_NDARRAY_TAG: torch.from_numpy(np.ascontiguousarray(obj))}
    if isinstance(obj, OrderedDict):
        return OrderedDict(
            (k, to_safe(v, f'{path}.{k}')) for k, v in obj.items())
    if isinstance(obj, dict):
        return {k: to_safe(v, f'{path}.{k}') for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set)):
        return type(obj)(to_safe(v, f'{path}[]') for v in obj)
    warnings.warn(f'{path}: {type(obj).__name__} is not checkpoint-safe; '
                  'it is saved as its repr()')
    return repr(obj)


def from_safe(obj: Any) -> Any:
    """Inverse of :func:`to_safe` (numpy arrays and ``HistoryBuffer``)."""
    if isinstance(obj, dict):
        if obj.get(_HISTORY_TAG) is True:
            from mmengine.logging import HistoryBuffer
            return HistoryBuffer(obj['log_history'].numpy().tolist(),
                                 obj['count_history'].numpy().tolist(),
                                 obj['max_length'])
        if set(obj) == {_NDARRAY_TAG}:
            return obj[_NDARRAY_TAG].numpy()
        return type(obj)((k, from_safe(v)) for k, v in obj.items())
    if isinstance(obj, (list, tuple, set)):
        return type(obj)(from_safe(v) for v in obj)
    return obj


def safe_load(filename: str, map_location: Any = None) -> Any:
    """Load a checkpoint file with the weights-only unpickler.

    Raises:
        CorruptCheckpointError: missing, truncated or unreadable file.
        UnsafeCheckpointError: the file needs code execution to load.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise CorruptCheckpointError(f'{filename}: checkpoint not found')
    try:
        obj = torch.load(filename, map_location=map_location,
                         weights_only=True)
    except pickle.UnpicklingError as err:
        lines = [ln.strip() for ln in str(err).splitlines()
                 if 'Unsupported global' in ln or 'Unsupported operand' in ln]
        reason = lines[0] if lines else str(err).splitlines()[0]
        if _state['trust']:       # this file only, and loudly
            print(f'WARNING: {filename}: loading with full pickle '
                  f'(--trust-checkpoint): {reason}; this runs code stored '
                  'in the file', file=sys.stderr, flush=True)
            return from_safe(torch.load(filename, map_location=map_location,
                                        weights_only=False))
        raise UnsafeCheckpointError(
            f'{filename}: refused to load: it contains objects outside the '
            f'weights-only allowlist ({reason}). Loading '
            'it would let the file run code. If you trust this file, pass '
            '--trust-checkpoint.') from None
    except (RuntimeError, EOFError, OSError, ValueError) as err:
        raise CorruptCheckpointError(
            f'{filename}: not a readable checkpoint (truncated or corrupt?):'
            f' {err}') from None
    return from_safe(obj)


def atomic_torch_save(obj: Any, filename: str) -> None:
    """``torch.save`` to a temporary file in the same folder, then rename
    (:func:`bimem_mm.compat.atomic.atomic_write`: the usual file mode, a
    failure such as a full disk names ``filename``)."""
    atomic_write(filename, lambda f: torch.save(obj, f))


def save_checkpoint(checkpoint: dict, filename: str, *args, **kwargs) -> None:
    """Drop-in for MMEngine's ``save_checkpoint``: safe types, atomic.

    Non-local paths (with a backend) fall back to MMEngine's own writer.
    """
    from mmengine.runner import checkpoint as mm_ckpt

    safe = to_safe(checkpoint)
    if '://' in str(filename):
        return mm_ckpt.save_checkpoint(safe, filename, *args, **kwargs)
    atomic_torch_save(safe, str(filename))


def _load_local(filename: str, map_location: Any = None) -> Any:
    return safe_load(filename, map_location)


def apply() -> None:
    """Install the safe loader and the atomic, safe saver into MMEngine,
    and the CPU fallbacks of :mod:`.distributed`."""
    if _state['applied']:
        return
    from mmengine.runner import runner as mm_runner
    from mmengine.runner.checkpoint import CheckpointLoader

    from .distributed import apply as apply_distributed

    CheckpointLoader.register_scheme(prefixes='', loader=_load_local,
                                     force=True)
    mm_runner.save_checkpoint = save_checkpoint
    apply_distributed()       # CPU (gloo) DDP
    _state['applied'] = True
