"""DINEDetector (the DINE-style baseline per pseudo box) and bimem_plus:
losses, the table-free target, and tools/train.py from a warm-up
checkpoint with --resume."""
import pytest
import torch
from det_helpers import BATCH, N_SCENES, PER_SCENE, run_tool, tiny_data, tiny_options
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint

from bimem_mm.registry import DATASETS, MODELS

DINE = 'configs/det/digits/dine_scenes.py'
PLUS = 'configs/det/digits/bimem_plus_scenes.py'
WARMUP = 'configs/det/digits/warmup_scenes.py'


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    return tiny_data(tmp_path_factory.mktemp('det_dine'))


def _cfg(config, data):
    import bimem_mm.det  # noqa: F401
    npz, store = data
    init_default_scope('mmdet')
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(dict(
        (k, v) for k, v in (o.split('=', 1) for o in tiny_options(
            npz, store, 1)) if k.endswith(('npz_file', 'store'))))
    cfg.train_dataloader.dataset.update(num_scenes=N_SCENES, crop=None)
    return cfg


def _model_and_batch(config, data, **model):
    cfg = _cfg(config, data)
    cfg.model.update(model)
    torch.manual_seed(0)
    net = MODELS.build(cfg.model)
    ds = DATASETS.build(cfg.train_dataloader.dataset)
    return net, pseudo_collate([ds[i] for i in range(BATCH)])


def test_dine_losses_backward_and_counter(data):
    model, batch = _model_and_batch(DINE, data,
                                    dine=dict(num_samples=N_SCENES))
    assert type(model).__name__ == 'DINEDetector'
    assert model.stage == 'bimem' and not model.uses_memory
    assert model.dine_cfg == dict(num_samples=N_SCENES, momentum=0.6,
                                  im_weight=1.0)
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    fc = model.student.roi_head.bbox_head.fc_cls.weight
    before = fc.detach().clone()
    log = model.train_step(batch, optim)
    losses = {k for k in log if k.startswith('loss') and k != 'loss'}
    assert losses == {'loss_rpn_cls', 'loss_rpn_bbox', 'loss_cls',
                      'loss_bbox', 'loss_kd', 'loss_im'}
    assert all(torch.isfinite(v) for v in log.values())
    assert log['loss_kd'] > 0 and log['dine/bb_share'] == 1.0
    assert log['bimem/boxes_per_image'] == PER_SCENE
    assert not torch.equal(fc.detach(), before)          # it trained
    assert int(model.dine_target.samples_seen) == BATCH
    assert model.dine_target.share() == pytest.approx(0.6 ** (BATCH /
                                                            N_SCENES))
    model.dine_cfg['im_weight'] = 0.0
    log = model.train_step(batch, optim)
    assert 'loss_im' not in log and int(model.dine_target.samples_seen) == \
        2 * BATCH


def test_dine_target_mixes_black_box_and_teacher(data):
    model, batch = _model_and_batch(DINE, data,
                                    dine=dict(num_samples=N_SCENES))
    batch = model.data_preprocessor(batch, True)
    inputs, samples = batch['inputs'], batch['data_samples']
    with torch.no_grad():     # a teacher that differs from the student
        for p in model.teacher.parameters():
            p.add_(0.05 * torch.randn_like(p))
    model.dine_target.samples_seen.fill_(N_SCENES)            # one epoch
    teacher, bb, targets, share = model.dine_targets(inputs, samples)
    assert share == pytest.approx(0.6)
    assert targets.shape == bb.shape == (BATCH * PER_SCENE, 10)
    torch.testing.assert_close(bb, model.pseudo(samples, None).probs)
    p_teacher = torch.softmax(model.units(model.teacher, inputs,
                                          samples).logits, 1)
    torch.testing.assert_close(targets, 0.6 * bb + 0.4 * p_teacher)
    torch.testing.assert_close(targets.sum(1),
                               torch.ones(BATCH * PER_SCENE))
    student = torch.softmax(model.units(model.student, inputs,
                                        samples).logits, 1)
    assert not torch.allclose(targets, 0.6 * bb + 0.4 * student,
                              atol=1e-4)


def test_dine_batch_without_pseudo_boxes_and_no_mixup_option(data):
    model, batch = _model_and_batch(DINE, data, pseudo_score_thr=1.0,
                                    dine=dict(num_samples=N_SCENES))
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    log = model.train_step(batch, optim)         # the store's are 0.9
    assert torch.isfinite(log['loss']) and log['loss_bbox'] == 0
    assert log['loss_kd'] == 0 and log['loss_im'] == 0
    cfg = _cfg(DINE, data).model
    cfg.dine['mix_weight'] = 1.0
    with pytest.raises(TypeError, match='unknown dine options'):
        MODELS.build(cfg)


def test_bimem_plus_adds_im_and_soft_targets_to_the_bimem_loss(data):
    model, batch = _model_and_batch(PLUS, data)
    assert type(model).__name__ == 'BiMemDetector'
    assert model.im_weight == 1.0 and model.refiner.temperature == 10.0
    assert model.soft_weight == 1.0       # session 7's det choice
    model.prepare_for_dataset(N_SCENES)              # what BiMemHook does
    model.init_memory_step(batch)
    model.refiner.finalize_init()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    log = model.train_step(batch, optim)
    assert 'loss_im' in log and torch.isfinite(log['loss_im'])
    assert 'loss_bimem_rce' in log and log['loss_soft'] > 0
    assert log['bimem/source_share'] == 1.0          # first step: black box
    assert int(model.source_target.samples_seen) == BATCH


def test_bimem_soft_weight_distils_boxes_towards_calibrated_distribution(
        data, monkeypatch):
    """Detection's ``soft_weight`` (it was silently ignored before): the
    kept boxes carry the memories' calibrated distribution r as their soft
    target and ``loss_soft`` trains towards it."""
    import bimem_mm.det.detector as detector
    model, batch = _model_and_batch(PLUS, data, soft_weight=0.5)
    model.prepare_for_dataset(N_SCENES)
    model.init_memory_step(batch)
    model.refiner.finalize_init()
    seen = {}
    refine, roi_loss = model.refine, detector.roi_loss

    def once(*args):                # the step's one refine, its result kept
        seen['out'] = refine(*args)
        return seen['out']

    def spy_roi_loss(det, x, proposals, samples, loss_fn, soft_weight):
        seen['targets'] = torch.cat([s.gt_instances.soft_targets
                                     for s in samples])
        seen['weight'] = soft_weight
        return roi_loss(det, x, proposals, samples, loss_fn, soft_weight)

    monkeypatch.setattr(model, 'refine', once)
    monkeypatch.setattr(detector, 'roi_loss', spy_roi_loss)
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    log = model.train_step(batch, optim)
    cal = seen['out'][2]
    kept = cal.labels != model.ignore_index
    assert seen['weight'] == 0.5 and kept.sum() > 0
    torch.testing.assert_close(seen['targets'], cal.probs[kept].float())
    assert torch.isfinite(log['loss_soft']) and log['loss_soft'] > 0
    assert 'loss_bimem_ce' in log and 'loss_im' in log


@pytest.mark.slow
def test_dine_from_warmup_trains_resumes_and_feeds_bimem_plus(tmp_path,
                                                              data):
    """tools/train.py with the dine config from a warm-up checkpoint (no
    long-term memory pass), --resume continues the black box's decay, and
    the checkpoint loads into bimem_plus, which trains from it with its
    soft targets (session 7's soft_weight=1)."""
    npz, store = data
    warm = tmp_path / 'warmup.pth'
    torch.save({'state_dict': MODELS.build(_cfg(WARMUP, data).model)
                .state_dict()}, warm)
    work = tmp_path / 'dine'
    opts = tiny_options(npz, store, 2, [f'load_from={warm}'])
    out = run_tool('train.py', DINE, '--work-dir', work, '--cfg-options',
                   *opts)
    log = out.stdout + out.stderr
    assert 'long-term memory initialised' not in log
    assert 'loss_kd' in log and 'dine/bb_share' in log
    first = torch.load(work / 'iter_2.pth', weights_only=True)['state_dict']
    assert int(first['dine_target.samples_seen']) == 2 * BATCH
    more = [o.replace('max_iters=2', 'max_iters=4')
            .replace('interval=2', 'interval=4') for o in opts]
    out = run_tool('train.py', DINE, '--work-dir', work, '--resume',
                   '--cfg-options', *more)
    assert 'resumed' in (out.stdout + out.stderr).lower()
    final = torch.load(work / 'iter_4.pth', weights_only=True)
    assert final['meta']['iter'] == 4
    assert int(final['state_dict']['dine_target.samples_seen']) == 4 * BATCH

    plus = MODELS.build(_cfg(PLUS, data).model)
    load_checkpoint(plus, str(work / 'iter_4.pth'), map_location='cpu')
    key = 'student.roi_head.bbox_head.fc_cls.weight'
    assert torch.equal(plus.state_dict()[key], final['state_dict'][key])
    out = run_tool('train.py', PLUS, '--work-dir', tmp_path / 'plus',
                   '--cfg-options', *tiny_options(
                       npz, store, 2, [f"load_from={work / 'iter_4.pth'}"]))
    log = out.stdout + out.stderr
    assert 'loss_soft' in log and 'loss_bimem_rce' in log, log[-3000:]
    assert (tmp_path / 'plus' / 'iter_2.pth').is_file()
