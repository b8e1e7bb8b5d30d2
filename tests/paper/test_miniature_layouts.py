"""The miniature datasets are read by the real dataset classes of
mmseg / mmdet / mmpretrain (and bimem_mm's GTA5 / SYNTHIA ones) exactly as
the real datasets are, and the black boxes answer on them."""
import json
import os.path as osp

import numpy as np
import pytest

from bimem_mm.datasets.miniature import blackbox, labels


def _build(registry_scope, cfg):
    from mmengine.registry import DATASETS, init_default_scope
    init_default_scope(registry_scope)
    return DATASETS.build(cfg)


def test_office_and_visda_folders(mini_root):
    import bimem_mm.cls  # noqa: F401
    for root, prefix, classes in (
            ('office31', 'webcam/images', labels.OFFICE31),
            ('office_home', 'Clipart', labels.OFFICEHOME),
            ('visda2017', 'validation', labels.VISDA2017)):
        ds = _build('mmpretrain', dict(
            type='CustomDataset', data_root=str(mini_root / root),
            data_prefix=prefix, pipeline=[]))
        assert ds.metainfo['classes'] == classes, root
        assert len(ds) == len(classes) * (2 if root == 'visda2017' else 1)
    assert len(labels.OFFICEHOME) == 65 and len(labels.OFFICE31) == 31
    assert osp.isfile(mini_root / 'office31/amazon/images/back_pack/'
                      'frame_0001.jpg')
    for split, ext in (('train', '.png'), ('validation', '.jpg')):
        lines = (mini_root / 'visda2017' / split /
                 'image_list.txt').read_text().splitlines()
        assert len(lines) == 24
        for line in lines:
            rel, label = line.split()
            assert rel.endswith(ext)
            assert osp.isfile(mini_root / 'visda2017' / split / rel)
            assert labels.VISDA2017[int(label)] == rel.split('/')[0]


def test_cityscapes_for_mmseg(mini_root):
    from mmseg.datasets.transforms import LoadAnnotations

    import bimem_mm.seg  # noqa: F401
    ds = _build('mmseg', dict(
        type='CityscapesDataset', data_root=str(mini_root / 'cityscapes'),
        data_prefix=dict(img_path='leftImg8bit/val',
                         seg_map_path='gtFine/val'), pipeline=[]))
    assert len(ds) == 4
    info = ds.get_data_info(0)
    assert info['img_path'].endswith(
        'leftImg8bit/val/frankfurt/frankfurt_000000_000019_leftImg8bit.png')
    assert info['seg_map_path'].endswith(
        'gtFine/val/frankfurt/frankfurt_000000_000019_gtFine_'
        'labelTrainIds.png')
    seg = LoadAnnotations()(dict(info, seg_fields=[]))['gt_seg_map']
    assert set(np.unique(seg)) <= set(range(19)) | {255}
    # labelIds hold label ids; mapped by the Cityscapes table they equal
    # the train ids
    import mmcv
    ids = mmcv.imread(info['seg_map_path'].replace('labelTrainIds',
                                                   'labelIds'), 'unchanged')
    lut = np.full(256, 255)
    lut[[c[1] for c in labels.CITYSCAPES]] = [c[2] for c in labels.CITYSCAPES]
    assert (lut[ids] == seg).all()


def test_cityscapes_and_foggy_json_for_mmdet(mini_root):
    import bimem_mm.det  # noqa: F401
    ann = json.loads((mini_root / 'cityscapes/annotations/'
                      'instancesonly_filtered_gtFine_train.json').read_text())
    assert [c['id'] for c in ann['categories']] == [24, 25, 26, 27, 28, 31,
                                                    32, 33]
    assert ann['images'][0]['file_name'] == \
        'aachen/aachen_000000_000019_leftImg8bit.png'
    assert ann['images'][0]['segm_file'] == \
        'aachen/aachen_000000_000019_gtFine_labelIds.png'
    box = ann['annotations'][0]
    assert len(box['bbox']) == 4 and box['iscrowd'] == 0
    assert isinstance(box['segmentation']['counts'], str)
    for beta in ('0.005', '0.01', '0.02'):
        assert osp.isfile(mini_root / 'foggy_cityscapes/leftImg8bit_foggy/'
                          f'train/aachen/aachen_000000_000019_leftImg8bit_'
                          f'foggy_beta_{beta}.png')
    root = str(mini_root / 'foggy_cityscapes') + '/'
    val = _build('mmdet', dict(
        type='CityscapesDataset', data_root=root,
        ann_file='annotations/foggy_beta_0.02_val.json',
        data_prefix=dict(img='leftImg8bit_foggy/val/'), test_mode=True,
        filter_cfg=dict(filter_empty_gt=True, min_size=32), pipeline=[]))
    assert len(val) == 4 and val.metainfo['classes'][0] == 'person'
    info = val.get_data_info(0)
    assert osp.isfile(info['img_path']) and info['instances']
    train = _build('mmdet', dict(
        type='CityscapesDataset', data_root=root,
        ann_file='annotations/foggy_beta_0.02_train_images.json',
        data_prefix=dict(img='leftImg8bit_foggy/train/'), filter_cfg=None,
        pipeline=[]))
    assert len(train) == 4
    assert not train.get_data_info(0)['instances']      # no target label


def test_gta5_and_synthia_labels(mini_root):
    from PIL import Image

    import bimem_mm.seg  # noqa: F401
    gta = _build('mmseg', dict(
        type='bimem_mm.GTA5Dataset', data_root=str(mini_root / 'gta5'),
        data_prefix=dict(img_path='images', seg_map_path='labels'),
        pipeline=[dict(type='bimem_mm.LoadMappedSegLabels')]))
    assert len(gta) == 4
    assert Image.open(gta.get_data_info(0)['seg_map_path']).mode == 'P'
    seg = gta[0]['gt_seg_map']
    assert set(np.unique(seg)) <= set(range(19)) | {255}
    assert len(set(np.unique(seg)) - {255}) >= 5
    syn = _build('mmseg', dict(
        type='bimem_mm.SynthiaDataset', data_root=str(mini_root / 'synthia'),
        data_prefix=dict(img_path='RGB', seg_map_path='GT/LABELS'),
        pipeline=[dict(type='bimem_mm.LoadMappedSegLabels',
                       imdecode_backend='cv2', channel=2)]))
    assert len(syn) == 4
    import cv2
    raw = cv2.imread(syn.get_data_info(0)['seg_map_path'],
                     cv2.IMREAD_UNCHANGED)
    assert raw.dtype == np.uint16 and raw.shape[2] == 3
    seg = syn[0]['gt_seg_map']
    assert set(np.unique(seg)) <= set(range(16)) | {255}
    assert len(set(np.unique(seg)) - {255}) >= 5


@pytest.mark.parametrize('fn,classes', [
    (blackbox.classify_office31, 31), (blackbox.classify_visda2017, 12)])
def test_classification_black_box_is_mostly_right(mini_root, fn, classes):
    import mmcv
    names = labels.OFFICE31 if classes == 31 else labels.VISDA2017
    folder = ('office31/amazon/images' if classes == 31
              else 'visda2017/train')
    paths = sorted((mini_root / folder).glob('*/*.*'))
    probs = fn([mmcv.imread(str(p), channel_order='rgb') for p in paths])
    truth = [names.index(p.parent.name) for p in paths]
    right = np.mean([p.argmax() == t for p, t in zip(probs, truth)])
    assert 0.6 <= right < 1.0 or len(paths) < 20
    assert all(abs(p.sum() - 1) < 1e-4 and p.max() < 0.999 for p in probs)


def test_seg_and_det_black_boxes_answer_from_the_ground_truth(mini_root):
    import mmcv
    city = mini_root / 'cityscapes'
    img = mmcv.imread(str(city / 'leftImg8bit/val/frankfurt/'
                          'frankfurt_000000_000019_leftImg8bit.png'),
                      channel_order='rgb')
    truth = mmcv.imread(str(city / 'gtFine/val/frankfurt/frankfurt_000000_'
                            '000019_gtFine_labelTrainIds.png'), 'unchanged')
    probs = blackbox.segment_cityscapes([img])[0]
    assert probs.shape == truth.shape + (19, )
    valid = truth != 255
    right = (probs.argmax(-1) == truth)[valid].mean()
    assert 0.6 < right < 1.0
    # boxes through the densest fog, against the converted annotations
    foggy = mmcv.imread(str(
        mini_root / 'foggy_cityscapes/leftImg8bit_foggy/val/frankfurt/'
        'frankfurt_000000_000019_leftImg8bit_foggy_beta_0.02.png'),
        channel_order='rgb')
    out = blackbox.detect_cityscapes([foggy])[0]
    ann = json.loads((mini_root / 'foggy_cityscapes/annotations/'
                      'foggy_beta_0.02_val.json').read_text())
    gt = [a for a in ann['annotations'] if a['image_id'] == 0]
    assert len(out['bboxes']) >= len(gt) >= 1
    assert (out['scores'] >= 0.7).mean() >= 0.5
    assert out['probs'].shape == (len(out['bboxes']), 8)
