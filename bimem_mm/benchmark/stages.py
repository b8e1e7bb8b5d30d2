"""Run the pipeline's commands (tools/*.py) as a user would, with caching.

Each stage is a subprocess; its log goes to ``<out>/logs``. A stage whose
output already exists is skipped, so an interrupted benchmark resumes.
With :data:`DRY_RUN` set, every stage prints its command line instead of
running it (nothing is read, run or written).
"""
import json
import os
import os.path as osp
import re
import shlex
import subprocess
import sys
import time
from typing import Dict, List, Optional, Sequence

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

# print each stage's command instead of running it (tools/benchmark.py
# --dry-run); test() then returns None
DRY_RUN = False
# processes per training / test stage (tools/benchmark.py --gpus): more than
# one runs tools/train.py and tools/test.py under torch.distributed.run
GPUS = 1
DISTRIBUTED_TOOLS = ('train.py', 'test.py')


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


def command(tool: str, args: Sequence[str]) -> List[str]:
    """The command line of ``tools/<tool> args`` (distributed over
    :data:`GPUS` processes for training and testing)."""
    path = osp.join(REPO, 'tools', tool)
    if GPUS > 1 and tool in DISTRIBUTED_TOOLS:
        port = os.environ.get('PORT', '29500')
        return [sys.executable, '-m', 'torch.distributed.run',
                f'--nproc_per_node={GPUS}', f'--master_port={port}', path,
                '--launcher', 'pytorch'] + list(args)
    return [sys.executable, path] + list(args)


def print_command(cmd: List[str], label: str,
                  env: Optional[Dict[str, str]] = None,
                  done: Optional[str] = None) -> None:
    """A stage's command as a shell line (run from :data:`REPO`)."""
    prefix = ''.join(f'{k}={shlex.quote(v)} ' for k, v in (env or {}).items())
    note = (f'  (done: {done} exists, a run skips it)'
            if done is not None and osp.exists(done) else '')
    print(f'# {label}{note}\n{prefix}{shlex.join(cmd)}', flush=True)


def run_tool(tool: str, args: List[str], log: str, done: Optional[str],
             label: Optional[str] = None,
             env: Optional[Dict[str, str]] = None) -> float:
    """Run ``python tools/<tool> args`` unless ``done`` exists, showing
    its progress as ``label``; ``env`` adds environment variables.

    Returns:
        seconds spent (0 when skipped).
    """
    cmd = command(tool, args)
    if DRY_RUN:
        print_command(cmd, label or tool, env, done)
        return 0.0
    if done is not None and osp.exists(done):
        return 0.0
    label = label or tool
    os.makedirs(osp.dirname(log), exist_ok=True)
    start = time.time()
    with open(log, 'w') as f:
        f.write(' '.join(cmd) + '\n\n')
        f.flush()
        proc = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT,
                                cwd=REPO, env=dict(os.environ,
                                                   PYTHONPATH=REPO,
                                                   **(env or {})))
        while proc.poll() is None:
            _show(f'    {label:<44s} {log_progress(log):>10s} '
                  f'{time.time() - start:5.0f}s', final=False)
            try:                  # redraw every second, return at once
                proc.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                pass
    _show(f'    {label:<44s} {"done" if proc.returncode == 0 else "FAILED":>10s}'
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
          env: Optional[Dict[str, str]] = None,
          checkpoint: Optional[str] = None,
          args: Sequence[str] = ()) -> str:
    """tools/train.py; returns the last checkpoint (the reported model):
    ``iter_<max_iters>.pth`` or the file name ``checkpoint`` in
    ``work_dir``. ``args``: more tools/train.py flags (e.g. --resume)."""
    ckpt = osp.join(work_dir, checkpoint or f'iter_{max_iters}.pth')
    run_tool('train.py', [config, '--work-dir', work_dir] + list(args)
             + (['--cfg-options'] + list(options) if options else []),
             log, ckpt, label, env)
    return ckpt


def test(config: str, checkpoint: str, work_dir: str, options: List[str],
         log: str, label: Optional[str] = None,
         env: Optional[Dict[str, str]] = None) -> Optional[dict]:
    """tools/test.py; returns the metrics dict (None in a dry run)."""
    out = osp.join(work_dir, 'metrics.json')
    run_tool('test.py', [config, checkpoint, '--work-dir', work_dir,
                         '--metrics-out', out]
             + (['--cfg-options'] + list(options) if options else []),
             log, out, label, env)
    if DRY_RUN:
        return None
    with open(out) as f:
        return json.load(f)
