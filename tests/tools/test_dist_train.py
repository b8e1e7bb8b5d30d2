"""tools/dist_train.sh: 2 CPU ranks (gloo) train BiMem on digits, end with
identical memories and weights, and a --resume of the 2-rank run goes on;
tools/dist_test.sh evaluates the result on 2 ranks.

Before: ``--launcher pytorch`` died in MMEngine's ``init_dist``
(``torch.cuda.set_device`` without CUDA), then in DDP (``device_ids`` for a
CPU module); now ``bimem_mm.compat.distributed`` handles both.
"""
import json
import socket

import pytest
import torch
from tool_helpers import BIMEM, REPO, build_model, make_data, run_tool, tiny_options

pytestmark = pytest.mark.slow
BATCH, RANKS = 4, 2

CONFIG = """
_base_ = ['{repo}/{bimem}']
custom_imports = dict(imports=['bimem_mm.cls', 'bimem_mm.datasets',
                               'rank_dump'], allow_failed_imports=False)
custom_hooks = [{{{{_base_.store_check_hook}}}}, {{{{_base_.bimem_hook}}}},
                dict(type='RankStateDumpHook', out_dir='{out}')]
"""


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _same_on_both_ranks(tmp_path, it):
    """Parameters (student, teacher) and the memories are bit-identical;
    BN running statistics are per rank (MMEngine's DDP does not broadcast
    buffers) and are not compared."""
    dumps = [torch.load(tmp_path / f'rank{r}_iter{it}.pth', weights_only=True)
             for r in range(RANKS)]
    assert [(d['backend'], d['world_size']) for d in dumps] == [
        ('gloo', RANKS)] * RANKS
    r0, r1 = (d['state_dict'] for d in dumps)
    model = build_model(BIMEM)
    names = [n for n, _ in model.named_parameters()]
    names += [n for n in r0 if n.startswith('refiner.')]
    assert any(n.endswith('short_term.features') for n in names)
    assert any(n.endswith('long_term.prototypes') for n in names)
    for name in names:
        assert torch.equal(r0[name], r1[name]), name
    return r0


def test_two_cpu_ranks_train_and_resume(tmp_path):
    npz, store = make_data(str(tmp_path), n=16)
    warm = tmp_path / 'warm.pth'
    torch.save({'state_dict': build_model(BIMEM).state_dict()}, warm)
    config = tmp_path / 'bimem_dump.py'
    config.write_text(CONFIG.format(repo=REPO, bimem=BIMEM, out=tmp_path))
    opts = tiny_options(npz, store, iters=2, batch=BATCH) + [
        f'load_from={warm}', 'default_hooks.checkpoint.interval=2',
        'model.refiner.queue_length=64']
    work = tmp_path / 'work'
    # CPU ranks even where GPUs exist (2 ranks on one GPU cannot use nccl)
    env = {'PORT': str(_free_port()), 'CUDA_VISIBLE_DEVICES': ''}
    out = run_tool('dist_train.sh', config, RANKS, '--work-dir', work,
                   '--cfg-options', *opts, env=env)
    log = out.stdout + out.stderr
    assert 'Distributed training: True' in log and 'GPU number: 2' in log
    assert 'long-term memory initialised' in log
    first = _same_on_both_ranks(tmp_path, 2)
    assert int(first['refiner.short_term.num_pushed']) == 2 * BATCH * RANKS

    more = [o.replace('max_iters=2', 'max_iters=4').replace(
        'val_interval=2', 'val_interval=4') for o in opts]
    out = run_tool('dist_train.sh', config, RANKS, '--work-dir', work,
                   '--resume', '--cfg-options', *more,
                   env=dict(env, PORT=str(_free_port())))
    log = out.stdout + out.stderr
    assert 'resumed' in log.lower()
    assert 'long-term memory initialised' not in log   # from the checkpoint
    final = _same_on_both_ranks(tmp_path, 4)
    assert int(final['refiner.short_term.num_pushed']) == 4 * BATCH * RANKS
    assert not torch.equal(final['refiner.long_term.prototypes'],
                           first['refiner.long_term.prototypes'])
    ckpt = torch.load(work / 'iter_4.pth', weights_only=True)
    assert ckpt['meta']['iter'] == 4
    assert torch.equal(ckpt['state_dict']['refiner.short_term.features'],
                       final['refiner.short_term.features'])
    # tools/dist_test.sh: the same 2 CPU ranks evaluate the last iterate
    metrics = tmp_path / 'metrics.json'
    run_tool('dist_test.sh', BIMEM, work / 'iter_4.pth', RANKS,
             '--work-dir', tmp_path / 'test', '--metrics-out', metrics,
             '--cfg-options', *more, env=dict(env, PORT=str(_free_port())))
    assert 0.0 <= json.loads(metrics.read_text())['accuracy/top1'] <= 100.0
