"""Run the pipeline's commands (tools/*.py) as a user would, with caching.

Each stage is a subprocess; its log goes to ``<out>/logs``. A stage whose
output already exists is skipped, so an interrupted benchmark resumes.
"""
import json
import os
import os.path as osp
import re
import subprocess
import sys
import time
from typing import Dict, List, Optional

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


class StageError(RuntimeError):
    """A pipeline command failed; the message names its log."""


# "Iter(train) [ 350/1000]" (MMEngine) or "350/1000" (a progress bar)
_PROGRESS = re.compile(r'(?:Iter\(train\) \[\s*)?(\d+)/(\d+)')


def log_progress(log: str) -> str:
    """The last "k/N" progress mark in the tail of a log, or ''."""
    try:
        with open(log, 'rb') as f:
            f.seek(max(0, osp.getsize(log) - 4096))
            tail = f.read().decode('utf-8', 'replace')
    except OSError:
        return ''
    marks = _PROGRESS.findall(tail.replace('\r', '\n'))
    return f'{marks[-1][0]}/{marks[-1][1]}' if marks else ''


# redraw the running stage's line in place (a terminal, one job at a time)
LIVE = sys.stdout.isatty()


def _show(line: str, final: bool) -> None:
    """One progress line: redrawn in place when ``LIVE``, else printed
    once when the stage ends."""
    if LIVE:
        print(f'\r\033[K{line}', end='\n' if final else '', flush=True)
    elif final:
        print(line, flush=True)


def run_tool(tool: str, args: List[str], log: str, done: Optional[str],
             label: Optional[str] = None,
             env: Optional[Dict[str, str]] = None) -> float:
    """Run ``python tools/<tool> args`` unless ``done`` exists, showing
    its progress as ``label``; ``env`` adds environment variables.

    Returns:
        seconds spent (0 when skipped).
    """
    if done is not None and osp.exists(done):
        return 0.0
    label = label or tool
    os.makedirs(osp.dirname(log), exist_ok=True)
    cmd = [sys.executable, osp.join(REPO, 'tools', tool)] + list(args)
    start = time.time()
    with open(log, 'w') as f:
        f.write(' '.join(cmd) + '\n\n')
        f.flush()
        proc = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT,
                                cwd=REPO, env=dict(os.environ,
                                                   PYTHONPATH=REPO,
                                                   **(env or {})))
        while proc.poll() is None:
            _show(f'    {label:<28s} {log_progress(log):>10s} '
                  f'{time.time() - start:5.0f}s', final=False)
            time.sleep(1.0)
    _show(f'    {label:<28s} {"done" if proc.returncode == 0 else "FAILED":>10s}'
          f' {time.time() - start:5.0f}s', final=True)
    if proc.returncode != 0:
        with open(log) as f:
            tail = ''.join(f.readlines()[-15:])
        raise StageError(f'{tool} failed (exit {proc.returncode}); log: '
                         f'{log}\n{tail}')
    if done is not None and not osp.exists(done):
        raise StageError(f'{tool} finished but wrote no {done}; log: {log}')
    return time.time() - start


def train(config: str, work_dir: str, options: List[str], log: str,
          max_iters: int, label: Optional[str] = None,
          env: Optional[Dict[str, str]] = None) -> str:
    """tools/train.py; returns the last checkpoint (the reported model)."""
    ckpt = osp.join(work_dir, f'iter_{max_iters}.pth')
    run_tool('train.py', [config, '--work-dir', work_dir, '--cfg-options']
             + options, log, ckpt, label, env)
    return ckpt


def test(config: str, checkpoint: str, work_dir: str, options: List[str],
         log: str, label: Optional[str] = None,
         env: Optional[Dict[str, str]] = None) -> dict:
    """tools/test.py; returns the metrics dict."""
    out = osp.join(work_dir, 'metrics.json')
    run_tool('test.py', [config, checkpoint, '--work-dir', work_dir,
                         '--metrics-out', out, '--cfg-options'] + options,
             log, out, label, env)
    with open(out) as f:
        return json.load(f)
