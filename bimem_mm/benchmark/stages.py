"""Run the pipeline's commands (tools/*.py) as a user would, with caching.

Each stage is a subprocess; its log goes to ``<out>/logs``. Beside each
stage's output a record (``.stage-<output name>``) keeps a hash of the
command line that made it, of the config files it names (their contents
and local ``_base_`` files, :mod:`.config_digest`) and of the records of the
stage outputs it read; a stage whose output exists with the same record is
skipped ("skipped (done)"), so an interrupted benchmark resumes, and a
stage whose command or inputs changed (other options, ``--iters``, an
edited config, a rerun warm-up) runs again.
How stages run is one :class:`StageRunner` (``--dry-run``, ``--gpus``,
the live progress line), passed to the recipes; in a dry run every stage
prints its command line instead of running it (nothing is read, run or
written).
"""
import hashlib
import json
import os
import os.path as osp
import re
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from .config_digest import config_digest, is_config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

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


def command(tool: str, args: Sequence[str], gpus: int = 1) -> List[str]:
    """The command line of ``tools/<tool> args`` (distributed over ``gpus``
    processes for training and testing)."""
    path = osp.join(REPO, 'tools', tool)
    if gpus > 1 and tool in DISTRIBUTED_TOOLS:
        port = os.environ.get('PORT', '29500')
        return [sys.executable, '-m', 'torch.distributed.run',
                f'--nproc_per_node={gpus}', f'--master_port={port}', path,
                '--launcher', 'pytorch'] + list(args)
    return [sys.executable, path] + list(args)


def record_path(output: str) -> str:
    """Where the record of the stage that wrote ``output`` lives."""
    output = output.rstrip('/')
    return osp.join(osp.dirname(output), f'.stage-{osp.basename(output)}')


def _input_record(token: str, own: Optional[str]) -> Optional[str]:
    """The record of a stage output named by a command-line token (a path,
    or ``key=path``; a store folder by its manifest), if any; ``own`` (the
    stage's own record) is not an input."""
    path = token.rpartition('=')[2]
    if not path or not osp.exists(path):
        return None
    for candidate in (path, osp.join(path, 'manifest.json')):
        record = record_path(candidate)
        if record != own and osp.isfile(record):
            with open(record) as f:
                return f.read().strip()
    return None


def _is_tool(path: str) -> bool:
    """``path`` is one of the pipeline's ``tools/*.py`` (not a config)."""
    return osp.dirname(osp.abspath(path)) == osp.join(REPO, 'tools')


def stage_hash(cmd: Sequence[str], done: Optional[str] = None) -> str:
    """sha256 of a stage's command line (without ``--resume PATH``, which
    only says where an interrupted run goes on), of the contents of the
    config files it names and of the records of the stage outputs it
    reads, so that an edited config or a rerun input reruns its users."""
    tokens = list(cmd)
    if '--resume' in tokens:
        i = tokens.index('--resume')
        del tokens[i:i + 2]
    own = record_path(done) if done else None
    h = hashlib.sha256()
    for token in tokens:
        h.update(token.encode() + b'\0')
        if is_config(token) and not _is_tool(token):
            h.update(b'{' + config_digest(token).encode() + b'}\0')
        record = _input_record(token, own)
        if record:
            h.update(b'<' + record.encode() + b'>\0')
    return h.hexdigest()


def hashed_command(cmd: Sequence[str],
                   env: Optional[Dict[str, str]] = None) -> List[str]:
    """What a stage's record hashes: its command line and, unless it is
    the default one, its thread count (``--threads`` changes the numbers,
    so a stage made with other threads is not reused)."""
    threads = (env or {}).get('OMP_NUM_THREADS', '1')
    return list(cmd) + ([f'<threads={threads}>'] if threads != '1' else [])


def is_done(done: Optional[str], cmd: Sequence[str]) -> bool:
    """``done`` exists and its record matches ``cmd``."""
    if done is None or not osp.exists(done):
        return False
    record = record_path(done)
    if not osp.isfile(record):
        return False
    with open(record) as f:
        return f.read().strip() == stage_hash(cmd, done)


def _write_record(done: str, cmd: Sequence[str]) -> None:
    record = record_path(done)
    tmp = f'{record}.tmp{os.getpid()}'
    with open(tmp, 'w') as f:
        f.write(stage_hash(cmd, done) + '\n')
    os.replace(tmp, record)


def _forget(done: str) -> None:
    """Drop a stale output's record (and a store's manifest, which marks
    it complete) before its stage runs again."""
    record = record_path(done)
    if osp.exists(record):
        os.remove(record)
    if osp.basename(done) == 'manifest.json' and osp.exists(done):
        os.remove(done)


def _resume_only_same(cmd: List[str], done: str,
                      key: Optional[Sequence[str]] = None) -> List[str]:
    """Record that ``cmd`` (hashed as ``key``, default ``cmd``) started
    towards ``done``; drop its ``--resume`` unless the interrupted run was
    started by the same command."""
    started = record_path(done) + '.started'
    previous = None
    if osp.isfile(started):
        with open(started) as f:
            previous = f.read().strip()
    current = stage_hash(key or cmd, done)
    if '--resume' in cmd and previous != current:
        i = cmd.index('--resume')
        cmd = cmd[:i] + cmd[i + 2:]
    os.makedirs(osp.dirname(started), exist_ok=True)
    with open(started, 'w') as f:
        f.write(current + '\n')
    return cmd


def print_command(cmd: List[str], label: str,
                  env: Optional[Dict[str, str]] = None,
                  done: Optional[str] = None) -> None:
    """A stage's command as a shell line (run from :data:`REPO`)."""
    prefix = ''.join(f'{k}={shlex.quote(v)} ' for k, v in (env or {}).items())
    note = ''
    if is_done(done, hashed_command(cmd, env)):
        note = f'  (done: {done} exists from this command, a run skips it)'
    elif done is not None and osp.exists(done):
        note = (f'  ({done} exists from another command or inputs: a run '
                'redoes it)')
    print(f'# {label}{note}\n{prefix}{shlex.join(cmd)}', flush=True)


def _wait(proc: subprocess.Popen, redraw) -> float:
    """Wait for ``proc`` (calling ``redraw`` about every second); returns
    its CPU seconds (user + system, its waited-for children included)."""
    last = 0.0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_utime + usage.ru_stime
        if time.time() - last >= 1.0:
            redraw()
            last = time.time()
        time.sleep(0.1)


TIMINGS = 'timings.csv'       # per stage, beside the stage logs


def record_time(log: str, label: str, wall: float, cpu: float) -> None:
    """Keep the wall and CPU seconds of the stage that wrote ``log`` in
    ``timings.csv`` beside it (one row per log, the latest run)."""
    path = osp.join(osp.dirname(log), TIMINGS)
    rows = read_times(path)
    rows[osp.basename(log)] = (label, wall, cpu)
    lines = ['log,stage,wall_s,cpu_s'] + [
        f'{name},{stage.replace(",", " ")},{w:.1f},{c:.1f}'
        for name, (stage, w, c) in sorted(rows.items())]
    tmp = f'{path}.tmp{os.getpid()}.{id(rows)}'
    with open(tmp, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    os.replace(tmp, path)


def read_times(path: str) -> Dict[str, tuple]:
    """{log name: (stage label, wall s, CPU s)} of a ``timings.csv``."""
    rows = {}
    if osp.isfile(path):
        with open(path) as f:
            for line in f.read().splitlines()[1:]:
                name, stage, wall, cpu = line.split(',')
                rows[name] = (stage, float(wall), float(cpu))
    return rows


@dataclass(frozen=True)
class StageRunner:
    """How the stages run (tools/benchmark.py's flags), one object passed
    to the recipes.

    Attributes:
        dry_run: print each stage's command instead of running it
            (``--dry-run``); :meth:`test` then returns None.
        gpus: processes per training / test stage (``--gpus``): more than
            one runs tools/train.py and tools/test.py under
            torch.distributed.run.
        live: redraw the running stage's progress line in place (a
            terminal, one job at a time); else one line when it ends.
    """
    dry_run: bool = False
    gpus: int = 1
    live: bool = False

    def show(self, line: str, final: bool) -> None:
        """One progress line (see ``live``)."""
        if self.live:
            print(f'\r\033[K{line}', end='\n' if final else '', flush=True)
        elif final:
            print(line, flush=True)

    def run_tool(self, tool: str, args: List[str], log: str,
                 done: Optional[str], label: Optional[str] = None,
                 env: Optional[Dict[str, str]] = None) -> float:
        """Run ``python tools/<tool> args`` unless ``done`` exists from the
        same command (:func:`is_done`), showing its progress as ``label``;
        ``env`` adds environment variables. A stale ``done`` is redone.

        Its wall and CPU seconds go to ``timings.csv`` beside ``log``
        (:func:`record_time`).

        Returns:
            seconds spent (0 when skipped).
        """
        cmd = command(tool, args, self.gpus)
        if self.dry_run:
            print_command(cmd, label or tool, env, done)
            return 0.0
        label = label or tool
        key = hashed_command(cmd, env)
        if is_done(done, key):
            self.show(f'    {label:<44s} skipped (done)', final=True)
            return 0.0
        if done is not None and osp.exists(done):
            print(f'    {label}: {done} was made by another command or from '
                  'other inputs: running it again', flush=True)
            _forget(done)
        if done is not None:
            cmd = _resume_only_same(cmd, done, key)
            key = hashed_command(cmd, env)
        os.makedirs(osp.dirname(log), exist_ok=True)
        start = time.time()
        with open(log, 'w') as f:
            f.write(' '.join(cmd) + '\n\n')
            f.flush()
            proc = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT,
                                    cwd=REPO, env=dict(os.environ,
                                                       PYTHONPATH=REPO,
                                                       **(env or {})))
            cpu = _wait(proc, lambda: self.show(
                f'    {label:<44s} {log_progress(log):>10s} '
                f'{time.time() - start:5.0f}s', final=False))
        wall = time.time() - start
        status = 'done' if proc.returncode == 0 else 'FAILED'
        self.show(f'    {label:<44s} {status:>10s} {wall:5.0f}s', final=True)
        record_time(log, label, wall, cpu)
        if proc.returncode != 0:
            with open(log) as f:
                tail = ''.join(f.readlines()[-15:])
            raise StageError(f'{tool} failed (exit {proc.returncode}); log: '
                             f'{log}\n{tail}')
        if done is not None and not osp.exists(done):
            raise StageError(f'{tool} finished but wrote no {done}; log: {log}')
        if done is not None:
            _write_record(done, key)
        return wall

    def train(self, config: str, work_dir: str, options: List[str], log: str,
              max_iters: int, label: Optional[str] = None,
              env: Optional[Dict[str, str]] = None,
              checkpoint: Optional[str] = None,
              args: Sequence[str] = ()) -> str:
        """tools/train.py; returns the last checkpoint (the reported model):
        ``iter_<max_iters>.pth`` or the file name ``checkpoint`` in
        ``work_dir``. ``args``: more tools/train.py flags (e.g. --resume)."""
        ckpt = osp.join(work_dir, checkpoint or f'iter_{max_iters}.pth')
        self.run_tool('train.py', [config, '--work-dir', work_dir] + list(args)
                      + (['--cfg-options'] + list(options) if options else []),
                      log, ckpt, label, env)
        return ckpt


    def test(self, config: str, checkpoint: str, work_dir: str, options: List[str],
             log: str, label: Optional[str] = None,
             env: Optional[Dict[str, str]] = None) -> Optional[dict]:
        """tools/test.py; returns the metrics dict (None in a dry run)."""
        out = osp.join(work_dir, 'metrics.json')
        self.run_tool('test.py', [config, checkpoint, '--work-dir', work_dir,
                                  '--metrics-out', out]
                      + (['--cfg-options'] + list(options) if options else []),
                      log, out, label, env)
        if self.dry_run:
            return None
        with open(out) as f:
            return json.load(f)
