"""DINESegmentor (the DINE-style baseline per pixel) and bimem_plus: losses,
the table-free target, and tools/train.py from a warm-up checkpoint with
--resume."""
import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmengine.runner import load_checkpoint
from seg_helpers import (
    BATCH,
    CROP,
    N_SCENES,
    NUM_CLASSES,
    WARMUP,
    build_cfg,
    make_npz,
    make_store,
    run_tool,
    tiny_options,
)

from bimem_mm.registry import DATASETS, MODELS

DINE = 'configs/seg/digits/dine_scenes.py'
PLUS = 'configs/seg/digits/bimem_plus_scenes.py'
BALANCED = 'configs/seg/digits/bimem_plus_balanced_scenes.py'


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('seg_dine')
    npz = make_npz(tmp / 'digits.npz')
    return npz, make_store(tmp / 'store', npz)


def _model_and_batch(config, data, extra=()):
    cfg = build_cfg(config, *data, extra)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    ds = DATASETS.build(cfg.train_dataloader.dataset)
    batch = pseudo_collate([ds[i] for i in range(BATCH)])
    return model, model.data_preprocessor(batch, True)


def test_dine_losses_backward_and_counter(data):
    model, batch = _model_and_batch(DINE, data, [
        f'model.dine.num_samples={N_SCENES}'])
    assert type(model).__name__ == 'DINESegmentor'
    assert model.stage == 'bimem' and not model.uses_memory
    assert model.dine_cfg == dict(num_samples=N_SCENES, momentum=0.6,
                                  im_weight=1.0, mix_weight=1.0,
                                  mix_alpha=0.3)
    losses = model.loss(batch['inputs'], batch['data_samples'])
    assert {k for k in losses if k.startswith('loss')} == {
        'loss_kd', 'loss_im', 'loss_mix'}
    assert all(torch.isfinite(v).all() for v in losses.values())
    assert losses['dine/bb_share'] == 1.0            # nothing seen yet
    assert 0 <= losses['dine/bb_agree'] <= 1
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    head = model.student.decode_head.conv_seg.weight
    assert head.grad is not None and head.grad.abs().sum() > 0
    assert all(p.grad is None for p in model.teacher.parameters())
    assert int(model.dine_target.samples_seen) == BATCH
    assert model.dine_target.share() == pytest.approx(0.6 ** (BATCH /
                                                            N_SCENES))
    model.dine_cfg.update(im_weight=0.0, mix_weight=0.0)
    losses = model.loss(batch['inputs'], batch['data_samples'])
    assert {k for k in losses if k.startswith('loss')} == {'loss_kd'}
    assert int(model.dine_target.samples_seen) == 2 * BATCH


def test_dine_target_mixes_black_box_and_teacher(data):
    model, batch = _model_and_batch(DINE, data, [
        f'model.dine.num_samples={N_SCENES}'])
    samples = batch['data_samples']
    with torch.no_grad():     # a teacher that differs from the student
        for p in model.teacher.parameters():
            p.add_(0.05 * torch.randn_like(p))
    model.eval()                                      # no dropout
    model.dine_target.samples_seen.fill_(2 * N_SCENES)       # two epochs
    teacher, bb, targets, share = model.dine_targets(batch['inputs'],
                                                     samples)
    assert share == pytest.approx(0.36)
    n = BATCH * CROP * CROP
    assert targets.shape == bb.shape == (n, NUM_CLASSES)
    ref = model.units(model.teacher, batch['inputs'], samples)
    assert torch.equal(teacher.logits, ref.logits)
    p_teacher = torch.softmax(ref.logits, 1)
    torch.testing.assert_close(targets, 0.36 * bb + 0.64 * p_teacher)
    torch.testing.assert_close(targets.sum(1), torch.ones(n))
    student = torch.softmax(model.units(model.student, batch['inputs'],
                                        samples).logits, 1)
    assert not torch.allclose(targets, 0.36 * bb + 0.64 * student,
                              atol=1e-3)


def test_dine_needs_the_training_set_size_and_known_options(data):
    model, batch = _model_and_batch(DINE, data)
    with pytest.raises(RuntimeError, match='training set size'):
        model.loss(batch['inputs'], batch['data_samples'])
    model.prepare_for_dataset(N_SCENES)            # what BiMemHook does
    assert 'loss_kd' in model.loss(batch['inputs'], batch['data_samples'])
    cfg = dict(build_cfg(DINE, *data).model, dine=dict(gamma=0.5))
    with pytest.raises(TypeError, match='unknown dine options'):
        MODELS.build(cfg)


def test_bimem_plus_keeps_the_faithful_values(data):
    # chosen on the development pairs (docs/benchmark.md)
    model, _ = _model_and_batch(PLUS, data)
    assert type(model).__name__ == 'BiMemSegmentor'
    assert model.im_weight == model.mix_weight == 0.0
    assert model.adaptive_source is None
    assert model.refiner.temperature == 1.0


def test_bimem_plus_is_faithful_on_digit_scenes(data):
    """The digit bimem_plus builds the faithful model: the same modules
    and state keys as bimem_scenes.py, no loss balance (the balanced loss
    lost on both development pairs, docs/dev_suite/seg.md session 5)."""
    plus, _ = _model_and_batch(PLUS, data)
    faithful, _ = _model_and_batch('configs/seg/digits/bimem_scenes.py',
                                   data)
    assert plus.label_balance is None
    assert plus.state_dict().keys() == faithful.state_dict().keys()
    for key, value in faithful.state_dict().items():
        assert torch.equal(plus.state_dict()[key], value), key


def test_bimem_plus_balances_the_loss_by_calibrated_label_frequency(data):
    """The balanced bimem_plus option: both terms weighted by freq ** -0.5
    of the calibrated labels (docs/dev_suite/seg.md); faithful BiMem
    unweighted."""
    import copy

    from bimem_mm.core.warmup import ClassBalance
    model, batch = _model_and_batch(BALANCED, data)
    bal = model.label_balance
    assert (bal.mode, bal.power, bal.momentum) == ('running', 0.5, 0.9)
    inputs, samples = batch['inputs'], batch['data_samples']
    with torch.no_grad():
        model.init_memory_step(dict(inputs=inputs, data_samples=samples))
    model.refiner.finalize_init()
    twin = copy.deepcopy(model)
    torch.manual_seed(3)
    got = model.loss(inputs, samples)
    torch.manual_seed(3)
    _, _, cal = twin.refine(inputs, samples)
    student = twin.units(twin.student, inputs, samples)
    labels = twin.masked(cal.labels, student)
    weights = ClassBalance(NUM_CLASSES, 'running', 0.5)(labels)
    want = twin.loss_fn(student.logits, labels,
                        twin.masked(cal.labels_long, student), weights)
    plain = twin.loss_fn(student.logits, labels,
                         twin.masked(cal.labels_long, student))
    for key in ('loss_ce', 'loss_rce'):
        torch.testing.assert_close(got[key], want[key])
    assert not torch.allclose(got['loss_ce'], plain['loss_ce'])
    assert bal.class_freq.sum() > 0 and 'label_balance.class_freq' in \
        model.state_dict()
    faithful = MODELS.build(build_cfg(
        'configs/seg/digits/bimem_scenes.py', *data).model)
    assert faithful.label_balance is None
    with pytest.raises(TypeError, match='balance'):     # not a DINE option
        MODELS.build(dict(build_cfg(DINE, *data).model,
                          balance=dict(power=0.5)))


@pytest.mark.slow
def test_dine_from_warmup_trains_resumes_and_feeds_bimem_plus(tmp_path,
                                                              data):
    """tools/train.py with the dine config from a warm-up checkpoint (no
    long-term memory pass), --resume continues the black box's decay, and
    the checkpoint loads into bimem_plus."""
    npz, store = data
    warm_cfg = build_cfg(WARMUP, npz, store)
    warm = tmp_path / 'warmup.pth'
    torch.save({'state_dict': MODELS.build(warm_cfg.model).state_dict()},
               warm)
    work = tmp_path / 'dine'
    opts = tiny_options(npz, store, 2, [f'load_from={warm}'],
                        memories=False)
    out = run_tool('train.py', DINE, '--work-dir', work, '--cfg-options',
                   *opts)
    log = out.stdout + out.stderr
    assert 'long-term memory initialised' not in log
    assert 'loss_mix' in log and 'dine/bb_share' in log
    first = torch.load(work / 'iter_2.pth', weights_only=True)['state_dict']
    assert int(first['dine_target.samples_seen']) == 2 * BATCH
    more = [o.replace('=2', '=4') if o.startswith(
        ('train_cfg.max_iters', 'param_scheduler.0.end')) else o
        for o in opts]
    out = run_tool('train.py', DINE, '--work-dir', work, '--resume',
                   '--cfg-options', *more)
    assert 'resumed' in (out.stdout + out.stderr).lower()
    final = torch.load(work / 'iter_4.pth', weights_only=True)
    assert final['meta']['iter'] == 4
    assert int(final['state_dict']['dine_target.samples_seen']) == 4 * BATCH

    plus = MODELS.build(build_cfg(PLUS, npz, store).model)
    load_checkpoint(plus, str(work / 'iter_4.pth'), map_location='cpu')
    key = 'student.decode_head.conv_seg.weight'
    assert torch.equal(plus.state_dict()[key], final['state_dict'][key])


def _adaptive_plus(data):
    """bimem_plus with the adaptive source (the cls/det choice) on scenes."""
    cfg = build_cfg(PLUS, *data).model
    torch.manual_seed(0)
    return MODELS.build(dict(cfg, adaptive_source=dict(momentum=0.6))), None


def _state(model, **renamed):
    """The model's state dict, keys renamed to the pre-issue-13 names."""
    state = dict(model.state_dict())
    for new, old in renamed.items():
        state[old] = state.pop(new)
    return state


def test_old_checkpoint_counter_names_load(data):
    from mmengine.runner.checkpoint import load_state_dict
    model, _ = _model_and_batch(DINE, data)
    model.dine_target.samples_seen.fill_(7)
    state = _state(model, **{'dine_target.samples_seen': 'dine_samples_seen'})
    fresh, _ = _model_and_batch(DINE, data)
    load_state_dict(fresh, state, strict=True)      # no unknown key left
    assert int(fresh.dine_target.samples_seen) == 7
    plus, _ = _adaptive_plus(data)
    plus.source_target.samples_seen.fill_(5)
    state = _state(plus, **{'source_target.samples_seen':
                            'source_samples_seen'})
    fresh, _ = _adaptive_plus(data)
    load_state_dict(fresh, state, strict=True)
    assert int(fresh.source_target.samples_seen) == 5


@pytest.mark.parametrize('old_names', [False, True])
def test_bimem_plus_from_a_dine_start_restarts_at_the_black_box(
        data, old_names):
    # what a bimem_plus run inherits from the DINE checkpoint it loads: the
    # weights (and refiner), not the DINE counter (w starts at 1)
    from mmengine.runner.checkpoint import load_state_dict
    dine, _ = _model_and_batch(DINE, data)
    dine.dine_target.samples_seen.fill_(3 * N_SCENES)
    with torch.no_grad():
        dine.student.decode_head.conv_seg.weight.add_(1.0)
    state = _state(dine, **({'dine_target.samples_seen': 'dine_samples_seen'}
                            if old_names else {}))
    plus, batch = _adaptive_plus(data)
    load_state_dict(plus, state, strict=False)
    assert torch.equal(plus.student.decode_head.conv_seg.weight,
                       dine.student.decode_head.conv_seg.weight)
    plus.prepare_for_dataset(N_SCENES)
    assert int(plus.source_target.samples_seen) == 0
    assert plus.source_target.share() == 1.0


def test_dine_refuses_bimem_options_and_needs_no_refiner(data):
    cfg = build_cfg(DINE, *data).model
    assert cfg.refiner is None and cfg.loss is None     # the dine config
    bimem = build_cfg(PLUS, *data).model
    for option, value in (('im_weight', 1.0), ('mix_weight', 0.5),
                          ('adaptive_source', dict(momentum=0.6)),
                          ('refiner', bimem.refiner), ('loss', bimem.loss)):
        with pytest.raises(TypeError, match=option):
            MODELS.build(dict(cfg, **{option: value}))
    torch.manual_seed(0)
    model = MODELS.build(dict(cfg, dine=dict(num_samples=6)))
    assert model.refiner is None and model.loss_fn is None
    assert not model.uses_memory
    ds = DATASETS.build(build_cfg(DINE, *data).train_dataloader.dataset)
    batch = model.data_preprocessor(
        pseudo_collate([ds[i] for i in range(BATCH)]), True)
    assert 'loss_kd' in model.loss(batch['inputs'], batch['data_samples'])
    with pytest.raises(TypeError, match='needs a refiner'):
        MODELS.build(dict(bimem, refiner=None))


def test_dine_checkpoints_with_the_unused_refiner_still_load(data):
    """Until session 4 DINE models built the (never used) refiner of the
    shared adaptation base, so their checkpoints hold ``refiner.*``
    buffers: they load strictly into today's DINE model (dropped)."""
    from mmengine.runner.checkpoint import load_state_dict
    dine, _ = _model_and_batch(DINE, data)
    with torch.no_grad():
        dine.student.decode_head.conv_seg.weight.add_(1.0)
    plus, _ = _model_and_batch(PLUS, data)
    old = dict(dine.state_dict(), **{
        k: v for k, v in plus.state_dict().items()
        if k.startswith('refiner.')})
    assert any(k.startswith('refiner.short_term.') for k in old)
    fresh, _ = _model_and_batch(DINE, data)
    load_state_dict(fresh, old, strict=True)        # no unknown key left
    assert torch.equal(fresh.student.decode_head.conv_seg.weight,
                       dine.student.decode_head.conv_seg.weight)
    assert not any(k.startswith('refiner.') for k in fresh.state_dict())
