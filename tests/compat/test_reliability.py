"""Issue 12: trusted loading per file (case 3), checkpoint writes (case 10),
strict weights (case 1) and --resume files (case 9) at the library level."""
import os
import pickle
import subprocess
import sys

import pytest
import torch
from torch import nn

from bimem_mm import compat
from bimem_mm.compat import atomic
from bimem_mm.compat.checkpoint import (
    UnsafeCheckpointError,
    atomic_torch_save,
    safe_load,
    save_checkpoint,
)
from bimem_mm.compat.weights import (
    CheckpointMismatchError,
    check_checkpoint_fits,
    check_resumable,
)


class _Payload:
    """Unpickling calls ``print`` (stands in for arbitrary code)."""

    def __reduce__(self):
        return (print, ('payload ran',))


def test_trust_is_per_file_and_loud(tmp_path, capsys, monkeypatch):
    """Case 3. Before: --trust-checkpoint loaded every file with full
    pickle, silently."""
    plain, needs = tmp_path / 'plain.pth', tmp_path / 'needs_pickle.pth'
    torch.save({'state_dict': {'w': torch.ones(1)}}, plain)
    with open(needs, 'wb') as f:
        torch.save({'x': _Payload()}, f, pickle_module=pickle)
    calls = []
    real = torch.load
    monkeypatch.setattr(torch, 'load', lambda *a, **k: (
        calls.append(k.get('weights_only')), real(*a, **k))[1])
    compat.trust_checkpoints(True)
    try:
        assert float(safe_load(str(plain))['state_dict']['w']) == 1.0
        assert calls == [True] and 'WARNING' not in capsys.readouterr().err
        safe_load(str(needs))
    finally:
        compat.trust_checkpoints(False)
    assert calls == [True, True, False]
    err = capsys.readouterr().err
    assert f'WARNING: {needs}: loading with full pickle' in err
    with pytest.raises(UnsafeCheckpointError, match='needs_pickle.pth'):
        safe_load(str(needs))


def test_checkpoint_file_mode_follows_umask(tmp_path):
    """Case 10. Before: mkstemp created checkpoints with mode 0600."""
    old = os.umask(0o022)
    try:
        save_checkpoint({'state_dict': {'w': torch.ones(1)}},
                        str(tmp_path / 'a.pth'))
    finally:
        os.umask(old)
    assert os.stat(tmp_path / 'a.pth').st_mode & 0o777 == 0o644


def test_temp_files_of_killed_writers_are_removed(tmp_path):
    """Case 10. Before: a kill left .tmp-* files forever."""
    dead = subprocess.run([sys.executable, '-c', 'import os; print(os.getpid())'],
                          capture_output=True, text=True).stdout.strip()
    for name in (f'.iter_4.pth.{dead}.tmp', f'.iter_2.pth.{dead}.tmp'):
        (tmp_path / name).write_bytes(b'partial')
    kept = [f'.iter_2.pth.{os.getpid()}.tmp',     # a running writer's
            f'.iter_2.pth.{dead}.tmp.keep']       # not a temp name
    for name in kept:
        (tmp_path / name).write_bytes(b'x')
    atomic_torch_save({'w': torch.ones(1)}, str(tmp_path / 'iter_4.pth'))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        kept + ['iter_4.pth'])


DISK_FULL = """
import resource, signal, sys, torch
from bimem_mm.compat.checkpoint import save_checkpoint
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
save_checkpoint({'state_dict': {'w': torch.zeros(100000)}}, sys.argv[1])
"""


def test_full_disk_names_the_checkpoint(tmp_path):
    """Case 10. Before: ``RuntimeError: unexpected pos ...`` without the
    path (the file size limit plays the full disk here)."""
    out = tmp_path / 'iter_8.pth'
    proc = subprocess.run([sys.executable, '-c', DISK_FULL, str(out)],
                          capture_output=True, text=True,
                          cwd=os.path.dirname(os.path.dirname(
                              os.path.dirname(os.path.abspath(__file__)))))
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert 'AtomicWriteError' in last and f'{out}: cannot write' in last
    assert os.listdir(tmp_path) == []


def test_atomic_write_error_is_an_oserror(tmp_path):
    def full(f):
        f.write('{')
        raise OSError(28, 'No space left on device')
    with pytest.raises(OSError, match=r'x.json: cannot write \(\[Errno 28\]'):
        atomic.atomic_write(str(tmp_path / 'x.json'), full, mode='w')
    assert os.listdir(tmp_path) == []


class _Net(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.backbone = nn.Linear(4, 8)
        self.head = nn.Linear(8, classes)


class _TeacherStudent(nn.Module):
    def __init__(self):
        super().__init__()
        self.student, self.teacher = _Net(), _Net()
        self.refiner = nn.Module()
        self.refiner.register_buffer('queue', torch.zeros(16, 8))


def _save(tmp_path, name, sd):
    path = tmp_path / name
    torch.save({'state_dict': sd}, path)
    return str(path)


def test_strict_weights(tmp_path, capsys):
    """Case 1 (library level): names the file and the first keys."""
    model = _TeacherStudent()
    ok = _save(tmp_path, 'ok.pth', model.state_dict())
    check_checkpoint_fits(model, ok)
    # allowlist: the teacher copy and the memories may differ
    student_only = {k: v for k, v in model.state_dict().items()
                    if k.startswith('student.')}
    student_only['refiner.queue'] = torch.zeros(4, 8)
    check_checkpoint_fits(model, _save(tmp_path, 's.pth', student_only))
    model.predict_on = 'teacher'        # then the teacher must be there
    with pytest.raises(CheckpointMismatchError, match='missing keys '
                       r'\(teacher.backbone.weight'):
        check_checkpoint_fits(model, str(tmp_path / 's.pth'))
    del model.predict_on
    cases = [
        ('plain.pth', _Net().state_dict(),
         ['4 missing keys (student.backbone.weight, student.backbone.bias, '
          'student.head.weight (+1 more))', '4 unexpected keys']),
        ('head12.pth', {f'student.{k}': v for k, v in
                        _Net(12).state_dict().items()},
         ['2 shape mismatches (student.head.weight (12, 8) vs model (10, 8)'
          ]),
        ('other.pth', {'foo.weight': torch.ones(1)},
         ['unexpected keys (foo.weight)']),
    ]
    for name, sd, parts in cases:
        path = _save(tmp_path, name, sd)
        with pytest.raises(CheckpointMismatchError) as e:
            check_checkpoint_fits(model, path)
        msg = str(e.value)
        assert msg.startswith(f'{path}: does not fit _TeacherStudent')
        assert '--allow-partial' in msg and '\n' not in msg
        for part in parts:
            assert part in msg, msg
        check_checkpoint_fits(model, path, allow_partial=True)
        assert f'WARNING: {path}: does not fit' in capsys.readouterr().err


def test_resume_needs_a_training_checkpoint(tmp_path):
    """Case 9 (library level). Before: ``KeyError: 'message_hub'``."""
    init = _save(tmp_path, 'memory_init.pth', {'w': torch.ones(1)})
    torch.save({'meta': {'warmup_checkpoint': 'w.pth'},
                'state_dict': {'w': torch.ones(1)}}, init)
    with pytest.raises(CheckpointMismatchError,
                       match=f'{init}: not a training checkpoint '
                       r'\(a tools/init_memory.py output.*load_from='):
        check_resumable(init)
    bare = tmp_path / 'bare.pth'
    torch.save({'w': torch.ones(1)}, bare)
    with pytest.raises(CheckpointMismatchError, match='a bare state dict'):
        check_resumable(str(bare))
    full = tmp_path / 'iter_2.pth'
    save_checkpoint({'meta': {'iter': 2}, 'state_dict': {}, 'optimizer': {},
                     'message_hub': {}}, str(full))
    check_resumable(str(full))
