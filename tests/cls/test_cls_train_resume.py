"""tools/train.py end to end on a tiny config: warm-up, BiMem, resume."""
import os
import os.path as osp

import pytest
import torch
from conftest import BATCH, run_tool, tiny_options

WARMUP = 'configs/cls/digits/warmup_digits.py'
BIMEM = 'configs/cls/digits/bimem_digits.py'
ORACLE = 'configs/cls/digits/oracle_digits.py'

pytestmark = pytest.mark.slow


def test_warmup_then_bimem_then_resume_keeps_memories(tmp_path, tiny_data):
    npz, store = tiny_data
    warm_dir = tmp_path / 'warmup'
    run_tool('train.py', WARMUP, '--work-dir', warm_dir, '--cfg-options',
             *tiny_options(npz, store, 4))
    warm = warm_dir / 'iter_4.pth'
    assert warm.exists()

    work = tmp_path / 'bimem'
    opts = tiny_options(npz, store, 4, [
        f'load_from={warm}', 'default_hooks.checkpoint.interval=2',
        'model.refiner.queue_length=16', 'model.refiner.min_units_short=1'])
    out = run_tool('train.py', BIMEM, '--work-dir', work, '--cfg-options',
                   *opts)
    assert 'long-term memory initialised' in out.stdout + out.stderr
    first = torch.load(work / 'iter_4.pth', weights_only=True)
    sd = first['state_dict']
    assert int(sd['refiner.short_term.num_pushed']) == 4 * BATCH
    assert bool(sd['refiner.long_term.initialized'])

    # continue to 8 iterations from the latest checkpoint of the work dir
    more = [o.replace('max_iters=4', 'max_iters=8') for o in opts]
    out = run_tool('train.py', BIMEM, '--work-dir', work, '--resume',
                   '--cfg-options', *more)
    log = out.stdout + out.stderr
    assert 'resumed' in log.lower() or 'Resumed' in log
    assert 'long-term memory initialised' not in log   # came from the ckpt
    final = torch.load(work / 'iter_8.pth', weights_only=True)
    fsd = final['state_dict']
    assert final['meta']['iter'] == 8
    assert int(fsd['refiner.short_term.num_pushed']) == 8 * BATCH
    assert int(fsd['refiner.short_term.ptr']) == (8 * BATCH) % 16
    assert not torch.equal(fsd['refiner.long_term.prototypes'],
                           sd['refiner.long_term.prototypes'])


PLAIN_RESUME = """
import argparse
from mmengine.config import Config, DictAction
from mmengine.runner import Runner
import bimem_mm
parser = argparse.ArgumentParser()
parser.add_argument('config')
parser.add_argument('work_dir')
parser.add_argument('--resume', action='store_true')
parser.add_argument('--cfg-options', nargs='+', action=DictAction)
args = parser.parse_args()
cfg = Config.fromfile(args.config)
cfg.merge_from_dict(args.cfg_options)
cfg.work_dir, cfg.resume = args.work_dir, args.resume
Runner.from_cfg(cfg).train()
"""


def test_resume_needs_the_compat_module(tmp_path, tiny_data):
    """Plain MMEngine cannot resume its own checkpoint on this torch; the
    same config through tools/train.py (with bimem_mm.compat) can."""
    import subprocess
    import sys
    npz, _ = tiny_data
    opts = [o for o in tiny_options(npz, None, 2)
            if not o.startswith('memory_init')]
    script = tmp_path / 'plain.py'
    script.write_text(PLAIN_RESUME)

    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

    def plain(*extra):
        return subprocess.run([sys.executable, str(script), ORACLE,
                               str(tmp_path / 'plain')] + list(extra)
                              + ['--cfg-options'] + opts,
                              capture_output=True, text=True, cwd=repo,
                              # this checkout's bimem_mm, not an installed one
                              env=dict(os.environ, PYTHONPATH=repo))
    assert plain().returncode == 0
    failed = plain('--resume')
    assert failed.returncode != 0
    assert 'weights_only' in failed.stderr or 'Weights only' in failed.stderr

    work = tmp_path / 'compat'
    run_tool('train.py', ORACLE, '--work-dir', work, '--cfg-options', *opts)
    more = [o.replace('max_iters=2', 'max_iters=3') for o in opts]
    run_tool('train.py', ORACLE, '--work-dir', work, '--resume',
             '--cfg-options', *more)
    assert torch.load(work / 'iter_3.pth', weights_only=True)['meta'][
        'iter'] == 3


def test_soft_weight_trains_end_to_end(tmp_path, tiny_data):
    """The opt-in ``model.soft_weight`` (docs/classification.md) through
    tools/train.py on bimem_plus_digits.py: the soft term is trained and
    logged, and the run leaves its last checkpoint."""
    npz, store = tiny_data
    warm_dir = tmp_path / 'warmup'
    run_tool('train.py', WARMUP, '--work-dir', warm_dir, '--cfg-options',
             *tiny_options(npz, store, 2))
    work = tmp_path / 'plus'
    out = run_tool('train.py', 'configs/cls/digits/bimem_plus_digits.py',
                   '--work-dir', work, '--cfg-options', *tiny_options(
                       npz, store, 2, [
                           f'load_from={warm_dir / "iter_2.pth"}',
                           'model.soft_weight=1.0',
                           'model.refiner.queue_length=16',
                           'model.refiner.min_units_short=1']))
    assert 'loss_soft' in out.stdout + out.stderr
    assert (work / 'iter_2.pth').exists()
