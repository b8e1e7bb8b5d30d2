"""tools/benchmark.py --tasks seg through the real tools: the digit-scene
warm-up trains 3x --iters by default (SegRecipe.stage_iters) and
--stage-iters warmup=1 trains --iters (the recording test:
test_seg_recipe.py::test_seg_warmup_trains_three_times_the_stage_budget)."""
import pytest
from test_benchmark_end_to_end import benchmark, make_npz, weights

pytestmark = pytest.mark.slow


def test_seg_warmup_trains_three_times_iters_end_to_end(tmp_path):
    src = make_npz(tmp_path / 'src.npz', 40, 0)
    tgt = make_npz(tmp_path / 'tgt.npz', 40, 1)
    out = tmp_path / 'out'
    proc = benchmark('--pair', f'{src}:{tgt}', '--tasks', 'seg',
                     '--methods', 'warmup', '--iters', '2', '--seeds', '0',
                     '--jobs', '1', '--out', str(out))
    log = proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.returncode == 0, log
    run = out / 'seg' / 'src2tgt' / 'seed0'
    assert (run / 'black_box' / 'iter_2.pth').is_file(), log
    assert (run / 'warmup' / 'iter_6.pth').is_file(), log
    assert not (run / 'warmup' / 'iter_2.pth').exists()
    assert weights(run / 'warmup' / 'iter_6.pth').keys()
    command = (run / 'logs' / 'train_warmup.log').read_text().split('\n')[0]
    assert 'train_cfg.max_iters=6 ' in command + ' '
    assert 'param_scheduler.0.end=6 ' in command + ' '
    assert (run / 'warmup' / 'test' / 'metrics.json').is_file()
