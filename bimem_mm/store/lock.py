"""An exclusive lock file in a store folder, so two writers never share it.

The lock is ``<store>/.lock``, created with ``O_CREAT | O_EXCL`` (atomic on
local file systems) and holding ``pid host`` of its owner. A lock whose
process is gone (killed) is *stale*: it is reported, never broken silently,
because another host may own it on a shared file system.
"""
import os
import socket

from ..utils.processes import pid_running
from .errors import PredictionStoreError

LOCK_NAME = '.lock'


def _owner(path: str):
    """(pid, host) written in a lock file, or (None, '') if unreadable."""
    try:
        with open(path, encoding='utf-8') as f:
            pid, _, host = f.read().strip().partition(' ')
        return int(pid), host
    except (OSError, ValueError):
        return None, ''


def acquire(root: str) -> str:
    """Create ``<root>/.lock`` exclusively; return its path.

    Raises:
        PredictionStoreError: another writer holds the lock (running, or
            stale after a crash: the message says which and what to do).
    """
    path = os.path.join(root, LOCK_NAME)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        pid, host = _owner(path)
        here = socket.gethostname()
        if pid is not None and host == here and not pid_running(pid):
            raise PredictionStoreError(
                f'{path}: stale lock of process {pid} on {host}, which is not '
                'running (killed?); the store is incomplete. If no other '
                'writer uses this folder, delete the lock file and rerun'
            ) from None
        who = f'process {pid} on {host or "an unknown host"}'
        raise PredictionStoreError(
            f'{path}: another writer ({who}) is writing this store; wait for '
            'it or choose another --out') from None
    with os.fdopen(fd, 'w', encoding='utf-8') as f:
        f.write(f'{os.getpid()} {socket.gethostname()}\n')
    return path


def release(path: str) -> None:
    """Remove a lock this process created (no error if already gone)."""
    pid, _ = _owner(path)
    if pid == os.getpid():
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
