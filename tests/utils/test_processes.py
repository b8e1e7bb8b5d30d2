"""pid_running: the store's lock and the atomic writer's cleanup."""
import os
import subprocess
import sys

from bimem_mm.utils.processes import pid_running


def test_running_and_finished_processes():
    assert pid_running(os.getpid())
    child = subprocess.Popen([sys.executable, '-c', 'pass'])
    assert child.wait() == 0
    assert not pid_running(child.pid)      # reaped: gone
