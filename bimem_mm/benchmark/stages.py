"""Run the pipeline's commands (tools/*.py) as a user would, with caching.

Each stage is a subprocess; its log goes to ``<out>/logs``. A stage whose
output already exists is skipped, so an interrupted benchmark resumes.
"""
import json
import os
import os.path as osp
import subprocess
import sys
import time
from typing import List, Optional

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


class StageError(RuntimeError):
    """A pipeline command failed; the message names its log."""


def run_tool(tool: str, args: List[str], log: str, done: Optional[str],
             quiet: bool = True) -> float:
    """Run ``python tools/<tool> args`` unless ``done`` exists.

    Returns:
        seconds spent (0 when skipped).
    """
    if done is not None and osp.exists(done):
        return 0.0
    os.makedirs(osp.dirname(log), exist_ok=True)
    cmd = [sys.executable, osp.join(REPO, 'tools', tool)] + list(args)
    start = time.time()
    with open(log, 'w') as f:
        f.write(' '.join(cmd) + '\n\n')
        f.flush()
        proc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT,
                              cwd=REPO, env=dict(os.environ,
                                                 PYTHONPATH=REPO))
    if proc.returncode != 0:
        with open(log) as f:
            tail = ''.join(f.readlines()[-15:])
        raise StageError(f'{tool} failed (exit {proc.returncode}); log: '
                         f'{log}\n{tail}')
    if done is not None and not osp.exists(done):
        raise StageError(f'{tool} finished but wrote no {done}; log: {log}')
    return time.time() - start


def train(config: str, work_dir: str, options: List[str], log: str,
          max_iters: int) -> str:
    """tools/train.py; returns the last checkpoint (the reported model)."""
    ckpt = osp.join(work_dir, f'iter_{max_iters}.pth')
    run_tool('train.py', [config, '--work-dir', work_dir, '--cfg-options']
             + options, log, ckpt)
    return ckpt


def test(config: str, checkpoint: str, work_dir: str, options: List[str],
         log: str) -> dict:
    """tools/test.py; returns the metrics dict."""
    out = osp.join(work_dir, 'metrics.json')
    run_tool('test.py', [config, checkpoint, '--work-dir', work_dir,
                         '--metrics-out', out, '--cfg-options'] + options,
             log, out)
    with open(out) as f:
        return json.load(f)
