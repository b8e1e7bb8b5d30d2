"""tools/benchmark.py end to end on tiny digit files: every stage through
the real tools, then results.csv, results.md, results.png and the memory
plot; a rerun skips the finished stages; the numbers do not depend on
--jobs or on the environment's OMP_NUM_THREADS."""
import csv
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest

from bimem_mm.benchmark.stages import REPO

pytestmark = pytest.mark.slow


def make_npz(path, n, seed):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 10
    # a class-dependent stripe, so a few iterations learn something
    x = rng.integers(0, 60, (n, 16, 16)).astype(np.uint8)
    x[np.arange(n), y, :] = 255
    np.savez(path, x_train=x, y_train=y, x_test=x[:40], y_test=y[:40])
    return str(path)


def benchmark(*args, env=None):
    return subprocess.run(
        [sys.executable, osp.join(REPO, 'tools', 'benchmark.py'), *args],
        capture_output=True, text=True, cwd=REPO,
        env=dict(os.environ, **(env or {})))


def weights(path):
    import torch
    return torch.load(path, map_location='cpu',
                      weights_only=False)['state_dict']


def same_weights(a, b):
    """Bit-identical state dicts (1 vs 2 threads differ at ~1e-7)."""
    import torch
    wa, wb = weights(a), weights(b)
    return wa.keys() == wb.keys() and all(torch.equal(wa[k], wb[k])
                                          for k in wa)


def test_benchmark_writes_table_csv_and_plots(tmp_path):
    src = make_npz(tmp_path / 'src.npz', 128, 0)
    tgt = make_npz(tmp_path / 'tgt.npz', 128, 1)
    out = tmp_path / 'out'
    args = ['--pair', f'{src}:{tgt}', '--tasks', 'cls', '--methods',
            'black_box,warmup,bimem', '--iters', '4', '--seeds', '0,1',
            '--jobs', '2', '--out', str(out)]
    proc = benchmark(*args)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    with open(out / 'results.csv') as f:
        rows = list(csv.DictReader(f))
    assert {(r['method'], r['seed']) for r in rows} == {
        (m, s) for m in ('black_box', 'warmup', 'bimem') for s in '01'}
    assert all(0 <= float(r['value']) <= 100 for r in rows)
    assert rows[0]['config'].startswith('configs/cls/digits/')
    table = (out / 'results.md').read_text()
    assert '| cls | src->tgt | bimem | top1 |' in table
    assert (out / 'results.png').read_bytes()[:4] == b'\x89PNG'
    run = out / 'cls' / 'src2tgt' / 'seed0'
    assert (run / 'memory_bimem.png').read_bytes()[:4] == b'\x89PNG'
    assert not (run / 'memory_warmup.png').exists()
    # every stage's wall and CPU seconds, summed per run in timings.md
    assert len((run / 'logs' / 'timings.csv').read_text().splitlines()) \
        == 1 + 8
    assert '| cls | src2tgt | 1 | 8 |' in (out / 'timings.md').read_text()
    # progress lines, naming pair and seed as the runs go in parallel
    assert 'cls src->tgt s1 train bimem' in proc.stdout, proc.stdout[-3000:]
    # a rerun finds every stage done by the same command: nothing is
    # trained again, each stage says so
    again = benchmark(*args)
    log = again.stdout[-3000:] + again.stderr[-3000:]
    assert again.returncode == 0, log
    assert ' done ' not in again.stdout, log
    assert again.stdout.count('skipped (done)') >= 2 * 6, log
    assert (out / 'results.md').read_text() == table
    # reproducible: seed 0 again, one job instead of two and another
    # OMP_NUM_THREADS in the environment (the stages keep --threads 1),
    # gives bit-identical checkpoints, hence the same numbers
    solo = tmp_path / 'solo'
    proc = benchmark(*args[:args.index('--seeds')], '--seeds', '0',
                     '--jobs', '1', '--out', str(solo),
                     env=dict(OMP_NUM_THREADS='2'))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert 'not OMP_NUM_THREADS=2 from the environment' in proc.stdout
    with open(solo / 'results.csv') as f:
        solo_rows = list(csv.DictReader(f))
    assert {r['method']: r['value'] for r in solo_rows} == {
        r['method']: r['value'] for r in rows if r['seed'] == '0'}
    for stage in ('black_box', 'warmup', 'bimem'):
        ckpt = osp.join('cls', 'src2tgt', 'seed0', stage, 'iter_4.pth')
        assert same_weights(out / ckpt, solo / ckpt), stage
    # a rerun of one method and seed with --method-options into the same
    # --out: its row carries the options and the tables name them
    args = [a if a != '0,1' else '1' for a in args]
    args[args.index('black_box,warmup,bimem')] = 'bimem'
    proc = benchmark(*args, '--method-options',
                     'bimem:model.refiner.temperature=10')
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    with open(out / 'results.csv') as f:
        rows = {(r['method'], r['seed']): r for r in csv.DictReader(f)}
    assert rows[('bimem', '1')]['options'] == 'model.refiner.temperature=10'
    assert rows[('bimem', '0')]['options'] == ''
    assert '| bimem [model.refiner.temperature=10] |' in \
        (out / 'results.md').read_text()
