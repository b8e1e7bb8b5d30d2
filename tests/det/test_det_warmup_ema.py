"""WarmupEMAHook: the warm-up's EMA weights (opt-in; off by default)."""
from types import SimpleNamespace

import pytest
import torch
from det_helpers import (
    WARMUP,
    make_npz,
    make_store,
    model_and_batch,
    run_tool,
    tiny_options,
)


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp('det_warmup_ema')
    npz = make_npz(root / 'digits.npz')
    return npz, make_store(root / 'store', npz)


def _params(module):
    return [p.detach().clone() for p in module.parameters()]


def _step(model, delta):
    """A stand-in optimiser step: every student weight moves by delta."""
    with torch.no_grad():
        for p in model.student.parameters():
            p.add_(delta)


def test_teacher_averages_the_student_and_the_student_ends_as_it(data):
    from bimem_mm.det import WarmupEMAHook
    model, _ = model_and_batch(data, stage='warmup')
    runner = SimpleNamespace(model=model, iter=0, max_iters=2)
    hook = WarmupEMAHook(momentum=0.9)
    hook.before_train(runner)
    start = _params(model.student)
    assert all(torch.equal(t, s) for t, s in
               zip(_params(model.teacher), start))
    _step(model, 1.0)
    hook.after_train_iter(runner, 0)          # not the last: student stays
    for t, s, s0 in zip(_params(model.teacher), _params(model.student),
                        start):
        assert torch.allclose(t, s0 + 0.1, atol=1e-5)
        assert torch.allclose(s, s0 + 1.0, atol=1e-5)
    runner.iter = 1
    _step(model, 1.0)
    hook.after_train_iter(runner, 1)          # last: student <- teacher
    for t, s, s0 in zip(_params(model.teacher), _params(model.student),
                        start):
        expected = s0 + 0.9 * 0.1 + 0.1 * 2.0
        assert torch.allclose(t, expected, atol=1e-5)
        assert torch.equal(t, s)


def test_off_by_default_and_only_in_the_warmup(data):
    from bimem_mm.det import WarmupEMAHook
    for hook, stage in ((WarmupEMAHook(), 'warmup'),
                        (WarmupEMAHook(momentum=0.9), 'bimem')):
        model, _ = model_and_batch(data, stage=stage)
        runner = SimpleNamespace(model=model, iter=0, max_iters=1)
        teacher, student = _params(model.teacher), _params(model.student)
        hook.before_train(runner)
        _step(model, 1.0)
        hook.after_train_iter(runner, 0)
        assert all(torch.equal(a, b) for a, b in
                   zip(_params(model.teacher), teacher))
        assert all(torch.allclose(a, b + 1.0) for a, b in
                   zip(_params(model.student), student))
    with pytest.raises(ValueError, match='momentum'):
        WarmupEMAHook(momentum=1.0)


@pytest.mark.slow
def test_warmup_config_with_ema_end_to_end(tmp_path, data):
    """tools/train.py on the warm-up config with the option on: the saved
    student (what the next stage loads) is the EMA teacher."""
    npz, store = data
    work = tmp_path / 'warmup_ema'
    opts = tiny_options(npz, store, 3, ['custom_hooks.2.momentum=0.5'])
    out = run_tool('train.py', WARMUP, '--work-dir', work, '--cfg-options',
                   *opts)
    assert 'pascal_voc/mAP' in out.stdout + out.stderr
    state = torch.load(work / 'iter_3.pth', weights_only=True)['state_dict']
    students = [k for k in state if k.startswith('student.')
                and 'running' not in k and 'num_batches' not in k]
    assert students
    for key in students:
        teacher = state['teacher.' + key[len('student.'):]]
        assert torch.equal(state[key], teacher), key
