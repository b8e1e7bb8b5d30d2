"""Whether a process runs (standard library only: the store's lock and
the atomic writer's temp-file cleanup use it without importing torch or
an OpenMMLab package)."""
import os


def pid_running(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine (one owned by
    another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True   # exists, owned by another user
    return True
