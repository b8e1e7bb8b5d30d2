"""Atomic file writes for checkpoints and metrics.

``path`` is written as ``.<name>.<pid>.tmp`` next to it (created with the
usual ``0666 & ~umask`` mode, unlike ``tempfile.mkstemp``'s 0600), fsynced,
then renamed over ``path``; a failure removes the temp file and names
``path``. A kill -9 cannot clean up, so every write first removes the temp
files that dead processes left in the same folder.
"""
import glob
import os
import os.path as osp
import re
from typing import Callable

from ..utils.processes import pid_running

_TMP = re.compile(r'\.(?P<name>.+)\.(?P<pid>\d+)\.tmp')


class AtomicWriteError(OSError):
    """Writing a file failed (disk full, read-only folder...)."""


def temp_name(path: str, pid: int = None) -> str:
    """The temp file of ``path`` for process ``pid`` (default: this one)."""
    folder, name = osp.split(osp.abspath(path))
    return osp.join(folder, f'.{name}.{os.getpid() if pid is None else pid}'
                            '.tmp')


def remove_stale_temps(path: str) -> list:
    """Remove the temp files in ``path``'s folder left by processes no longer
    running (e.g. ``.iter_4.pth.<pid>.tmp`` of a killed run)."""
    folder = osp.dirname(osp.abspath(path))
    removed = []
    for tmp in glob.glob(osp.join(glob.escape(folder), '.*.tmp')):
        m = _TMP.fullmatch(osp.basename(tmp))
        if m and not pid_running(int(m['pid'])):
            try:
                os.remove(tmp)
                removed.append(tmp)
            except OSError:
                pass
    return removed


def atomic_write(path: str, write: Callable, mode: str = 'wb') -> None:
    """Call ``write(file)`` on a temp file beside ``path``, then rename.

    Raises:
        AtomicWriteError: naming ``path``; the old ``path`` is untouched.
    """
    path = os.fspath(path)
    folder = osp.dirname(osp.abspath(path))
    tmp = temp_name(path)
    try:
        os.makedirs(folder, exist_ok=True)
        remove_stale_temps(path)
        with open(tmp, mode) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        if osp.exists(tmp):
            os.remove(tmp)
        if isinstance(err, (OSError, RuntimeError)):
            raise AtomicWriteError(f'{path}: cannot write ({err})') from err
        raise
