"""DetectorAdapter's warm-up options: ``ignore_score_thr`` (uncertain
black-box boxes ignored, not background) and ``warmup=`` (soft and
class-balanced RoI targets)."""
import numpy as np
import pytest
import torch
from det_helpers import BATCH, BIMEM, make_npz, make_store, model_and_batch
from mmengine.structures import InstanceData

IGNORE = dict(rpn=dict(assigner=dict(ignore_iof_thr=0.5)),
              rcnn=dict(assigner=dict(ignore_iof_thr=0.5)))


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    """Scenes whose black-box boxes score 0.9 and 0.3 alternately."""
    root = tmp_path_factory.mktemp('det_warmup_options')
    npz = make_npz(root / 'digits.npz')
    return npz, make_store(root / 'store', npz, mode='probs',
                           score=(0.9, 0.3))


def _model_and_batch(data, **options):
    return model_and_batch(data, stage='warmup', **options)


def test_ignore_score_thr_needs_ignoring_assigners(data):
    off = dict(rpn=dict(assigner=dict(ignore_iof_thr=-1)),
               rcnn=dict(assigner=dict(ignore_iof_thr=-1)))
    with pytest.raises(ValueError, match='ignore_iof_thr'):
        _model_and_batch(data, ignore_score_thr=0.1, train_cfg=off)
    with pytest.raises(ValueError, match='below pseudo_score_thr'):
        _model_and_batch(data, ignore_score_thr=0.6, train_cfg=IGNORE)


def test_uncertain_boxes_are_ignored_not_background(data):
    model, batch = _model_and_batch(data, ignore_score_thr=0.1,
                                    train_cfg=IGNORE)
    samples = batch['data_samples']
    log = model.loss(batch['inputs'], samples)
    assert torch.isfinite(model.parse_losses(log)[0])
    n_sure = sum(len(s.gt_instances) for s in samples)
    n_unsure = sum(len(s.ignored_instances) for s in samples)
    assert n_sure == BATCH * 2 and n_unsure == BATCH   # 3 boxes: .9 .3 .9
    # the RoI assigner leaves a proposal on an uncertain box unassigned
    # (-1) instead of background (0); without the option it is background
    sample = samples[0]
    props = InstanceData(priors=sample.ignored_instances.bboxes.clone())
    assigner = model.student.roi_head.bbox_assigner
    res = assigner.assign(props, sample.gt_instances,
                          sample.ignored_instances)
    assert (res.gt_inds == -1).all()
    official, batch = _model_and_batch(data)
    official.loss(batch['inputs'], batch['data_samples'])
    sample = batch['data_samples'][0]
    assert len(sample.ignored_instances) == 0
    res = official.student.roi_head.bbox_assigner.assign(
        props, sample.gt_instances, sample.ignored_instances)
    assert (res.gt_inds == 0).all()


def test_soft_warmup_is_mmdet_with_one_hot_targets(data):
    def losses(warmup, probs_of=None):
        model, batch = _model_and_batch(data, warmup=warmup,
                                        pseudo_score_thr=0.0)
        for s in batch['data_samples']:
            p = np.asarray(s.bb_probs)
            if probs_of == 'one_hot':
                p = np.eye(10, dtype=np.float32)[p.argmax(1)]
            s.set_metainfo(dict(bb_probs=p))
        torch.manual_seed(1)
        return model.loss(batch['inputs'], batch['data_samples'])

    hard = losses(None)
    soft = losses(dict(soft=1.0), 'one_hot')
    assert set(soft) >= {'loss_cls', 'loss_kd', 'loss_bbox', 'loss_rpn_cls'}
    torch.testing.assert_close(soft['loss_cls'] + soft['loss_kd'],
                               hard['loss_cls'])
    torch.testing.assert_close(soft['loss_bbox'], hard['loss_bbox'])
    soft_p = losses(dict(soft=1.0))    # the black box's own distribution
    assert float(soft_p['loss_kd'] + soft_p['loss_cls']) > float(
        hard['loss_cls']) + 1e-3


def test_balanced_warmup_targets(data):
    model, _ = _model_and_batch(data, warmup=dict(balance='batch'))
    labels = torch.tensor([0, 0, 0, 1, 255])
    probs = torch.full((5, 10), 0.1)
    t = model.warmup_targets(labels, probs)
    # inverse frequency, mean weight 1 over the kept boxes: 3/4 * w0 = 1/2
    torch.testing.assert_close(t.sum(1), torch.tensor([2 / 3, 2 / 3, 2 / 3,
                                                       2., 0.]))
    assert (t.argmax(1)[:4] == labels[:4]).all()
    soft, _ = _model_and_batch(data, warmup=dict(soft=0.5))
    t = soft.warmup_targets(labels, probs)
    torch.testing.assert_close(t[0, 0], torch.tensor(0.55))
    torch.testing.assert_close(t.sum(1), torch.tensor([1., 1, 1, 1, 0]))


def test_twins_of_training_boxes_are_not_ignored(data):
    """A low-scoring box on a kept box (per-class NMS twin) stays out of
    ``ignored_instances``; one elsewhere goes in."""
    model, batch = _model_and_batch(data, ignore_score_thr=0.1,
                                    train_cfg=IGNORE)
    sample = batch['data_samples'][0]
    boxes = np.asarray(sample.bb_bboxes)
    scores = np.asarray(sample.bb_scores)
    twin = boxes[scores > 0.5][:1] + 0.5           # IoU ~0.9 with a kept box
    sample.set_metainfo(dict(
        bb_bboxes=np.concatenate([boxes, twin]),
        bb_scores=np.concatenate([scores, [0.3]]).astype(np.float32),
        bb_probs=np.concatenate([np.asarray(sample.bb_probs),
                                 np.asarray(sample.bb_probs)[:1]])))
    model.loss(batch['inputs'], batch['data_samples'])
    assert len(sample.ignored_instances) == 1      # the 0.3 box, not twin
    assert len(sample.gt_instances) == 2


@pytest.mark.slow
def test_warmup_options_through_train_then_bimem(tmp_path, data):
    """tools/train.py runs the warm-up with every option, and BiMem loads
    its checkpoint (the class-frequency buffer is an allowed difference)."""
    from det_helpers import WARMUP, run_tool, tiny_options
    npz, store = data
    opts = tiny_options(npz, store, 2, [
        'model.ignore_score_thr=0.1', 'model.warmup.balance=running',
        'model.warmup.soft=0.5', 'model.warmup.power=0.5'])
    out = run_tool('train.py', WARMUP, '--work-dir', tmp_path / 'warm',
                   '--cfg-options', *opts)
    log = out.stdout + out.stderr
    assert 'loss_kd' in log and 'pascal_voc/mAP' in log
    sd = torch.load(tmp_path / 'warm' / 'iter_2.pth',
                    weights_only=True)['state_dict']
    assert sd['warmup_criterion.balancer.class_freq'].sum() == pytest.approx(1.0)
    opts = tiny_options(npz, store, 1, [
        f'load_from={tmp_path / "warm" / "iter_2.pth"}',
        'model.ignore_score_thr=0.1', 'model.refiner.queue_length=16'])
    out = run_tool('train.py', BIMEM, '--work-dir', tmp_path / 'bimem',
                   '--cfg-options', *opts)
    assert 'loss_bimem_rce' in out.stdout + out.stderr
