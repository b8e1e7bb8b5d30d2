"""A cascade RoI head: units from a named stage, losses at every stage."""
import pytest
import torch
from det_helpers import REPO, labelled_batch, roi_losses_and_mmdets, tiny_data
from mmengine.config import Config
from mmengine.registry import init_default_scope

from bimem_mm.registry import MODELS

CASCADE = 'configs/det/digits/bimem_cascade_rcnn_scenes.py'


@pytest.fixture(scope='module')
def wrapper_and_batch(tmp_path_factory):
    npz, store = tiny_data(tmp_path_factory.mktemp('cascade'))
    init_default_scope('mmdet')
    cfg = Config.fromfile(f'{REPO}/{CASCADE}')
    torch.manual_seed(0)
    wrapper = MODELS.build(cfg.model)
    return wrapper, labelled_batch(wrapper, npz, store)


def test_units_come_from_the_named_stage(wrapper_and_batch):
    wrapper, batch = wrapper_and_batch
    assert wrapper.refiner.feat_dim == 64 and wrapper.num_classes == 10
    units = wrapper.units(wrapper.student, batch['inputs'],
                          batch['data_samples'])
    det = wrapper.student
    head = det.roi_head.bbox_head[2]
    x = det.extract_feat(batch['inputs'])
    pseudo = wrapper.pseudo(batch['data_samples'], batch['inputs'].device)
    from mmdet.structures.bbox import bbox2roi
    feats = det.roi_head.bbox_roi_extractor[2](x[:3], bbox2roi(
        pseudo.bboxes))
    expected = head(feats)[0][:, :10]
    torch.testing.assert_close(units.logits, expected)
    assert units.features.shape == (len(pseudo.groups), 64)
    wrapper.units_cfg = dict(wrapper.units_cfg,
                             features='roi_head.bbox_head.fc_cls:input')
    with pytest.raises(ValueError, match='has 3 RoI stages'):
        wrapper.units(wrapper.student, batch['inputs'],
                      batch['data_samples'])
    wrapper.units_cfg = dict(wrapper.units_cfg,
                             features='roi_head.bbox_head.2.fc_cls:input')


def test_cascade_roi_loss_reduces_to_mmdet_with_alpha1_beta0(
        wrapper_and_batch):
    wrapper, batch = wrapper_and_batch
    ours, ref = roi_losses_and_mmdets(wrapper.student, batch)
    for stage in range(3):
        total = sum(ours[f's{stage}.{k}'] for k in (
            'loss_cls', 'loss_bimem_ce', 'loss_bimem_rce'))
        torch.testing.assert_close(total, ref[f's{stage}.loss_cls'])
        torch.testing.assert_close(ours[f's{stage}.loss_bbox'],
                                   ref[f's{stage}.loss_bbox'])
    rce, _ = roi_losses_and_mmdets(wrapper.student, batch, 0.1, 1.0)
    assert all(rce[f's{i}.loss_bimem_rce'] > 0 for i in range(3))
