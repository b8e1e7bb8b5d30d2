"""tools/benchmark.py --stage-iters through the real tools: the warm-up
trains FACTOR x --iters (which stages load it:
test_benchmark_recipe.py::test_stage_iters_lengthen_one_stage_that_every_method_starts_from)."""
import csv

import pytest
from test_benchmark_end_to_end import benchmark, make_npz, weights

pytestmark = pytest.mark.slow


def test_longer_warmup_end_to_end(tmp_path):
    src = make_npz(tmp_path / 'src.npz', 64, 0)
    tgt = make_npz(tmp_path / 'tgt.npz', 64, 1)
    out = tmp_path / 'out'
    proc = benchmark('--pair', f'{src}:{tgt}', '--tasks', 'cls',
                     '--methods', 'warmup', '--iters', '2',
                     '--stage-iters', 'warmup=2', '--seeds', '0',
                     '--jobs', '1', '--out', str(out))
    log = proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.returncode == 0, log
    run = out / 'cls' / 'src2tgt' / 'seed0'
    assert (run / 'warmup' / 'iter_4.pth').is_file(), log
    assert not (run / 'warmup' / 'iter_2.pth').exists()
    assert weights(run / 'warmup' / 'iter_4.pth').keys()
    command = (run / 'logs' / 'train_warmup.log').read_text().split('\n')[0]
    assert 'train_cfg.max_iters=4 ' in command + ' '
    # results.csv names the factor, so the row is not taken for a default
    (row, ) = csv.DictReader(
        (out / 'results.csv').read_text().splitlines())
    assert (row['method'], row['options']) == ('warmup',
                                               '--stage-iters warmup=2')
    assert '| warmup [--stage-iters warmup=2] |' in \
        (out / 'results.md').read_text()
