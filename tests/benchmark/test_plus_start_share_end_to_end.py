"""tools/benchmark.py's budget split of bimem_plus through the real tools:
cls's default (ClsRecipe.plus_start_share 0.75, what the demo runs) trains
the DINE start 3/4 of --iters in its own stage (dine_start75), bimem_plus
the rest from that start's memory init (the split itself, other shares
and --stage-iters dine_half=SHARE: test_plus_start_share.py)."""
import pytest
from test_benchmark_end_to_end import benchmark, make_npz, weights

pytestmark = pytest.mark.slow


def test_default_cls_split_end_to_end(tmp_path):
    src = make_npz(tmp_path / 'src.npz', 64, 0)
    tgt = make_npz(tmp_path / 'tgt.npz', 64, 1)
    out = tmp_path / 'out'
    proc = benchmark('--pair', f'{src}:{tgt}', '--tasks', 'cls',
                     '--methods', 'bimem_plus', '--iters', '4',
                     '--seeds', '0',
                     '--jobs', '1', '--out', str(out))
    log = proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.returncode == 0, log
    run = out / 'cls' / 'src2tgt' / 'seed0'
    start = run / 'dine_start75' / 'iter_3.pth'
    assert weights(start).keys(), log
    assert not (run / 'dine_half').exists()
    assert weights(run / 'bimem_plus' / 'iter_1.pth').keys()
    logs = run / 'logs'
    first = (logs / 'train_dine_start75.log').read_text().split('\n')[0]
    assert 'train_cfg.max_iters=3 ' in first + ' '
    init = (logs / 'init_memory_bimem_plus.log').read_text().split('\n')[0]
    assert f' {start} ' in init + ' '
    plus = (logs / 'train_bimem_plus.log').read_text().split('\n')[0]
    assert 'train_cfg.max_iters=1 ' in plus + ' '
    assert 'bimem_plus top1' in proc.stdout
