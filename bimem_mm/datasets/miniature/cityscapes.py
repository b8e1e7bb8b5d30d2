"""Miniature Cityscapes and Foggy Cityscapes in their real layouts.

    cityscapes/leftImg8bit/{train,val}/<city>/<city>_<seq>_<frame>_leftImg8bit.png
    cityscapes/gtFine/{train,val}/<city>/<city>_<seq>_<frame>_gtFine_{color,
        instanceIds,labelIds,labelTrainIds}.png and _gtFine_polygons.json
    cityscapes/annotations/instancesonly_filtered_gtFine_{train,val}.json
    foggy_cityscapes/leftImg8bit_foggy/{train,val}/<city>/
        <city>_<seq>_<frame>_leftImg8bit_foggy_beta_{0.005,0.01,0.02}.png
    foggy_cityscapes/annotations/foggy_beta_<beta>_{train_images,train,val}.json

``*_labelTrainIds.png`` is what mmseg's ``tools/dataset_converters/
cityscapes.py`` adds; the ``instancesonly`` json files are what
mmdetection's ``tools/dataset_converters/cityscapes.py`` writes from
``*_instanceIds.png`` (COCO format: Cityscapes label ids as category ids,
XYWH boxes, RLE masks); the foggy json files are written from them by
``python -m bimem_mm.det.foggy_cityscapes``, as docs/detection.md says.
"""
import json
import os
import os.path as osp
from typing import Dict, List, Sequence

import numpy as np

from .labels import CITYSCAPES, CITYSCAPES_IDS, INSTANCE_CLASSES
from .scenes import VOID, fog, make_scene, render
from .writing import write_image

CITIES = {'train': ('aachen', 'bochum'), 'val': ('frankfurt', 'lindau')}
BETAS = (0.005, 0.01, 0.02)
EGO_VEHICLE = 1                    # Cityscapes label id of the void pixels
_TRAIN_TO_ID = np.full(256, EGO_VEHICLE, np.uint8)
_TRAIN_TO_ID[:len(CITYSCAPES)] = [c[1] for c in CITYSCAPES]
_COLOR = np.zeros((256, 3), np.uint8)
_COLOR[:len(CITYSCAPES)] = [c[3] for c in CITYSCAPES]


def frame_names(split: str, per_city: int) -> List[tuple]:
    """[(city, '<city>_<seq>_<frame>')] as Cityscapes names its frames."""
    return [(city, f'{city}_{k:06d}_{19 + 17 * k:06d}')
            for city in CITIES[split] for k in range(per_city)]


def _polygons(train_ids: np.ndarray) -> dict:
    """A ``*_gtFine_polygons.json``: one box polygon per class region."""
    h, w = train_ids.shape
    objects = []
    for tid in np.unique(train_ids[train_ids != VOID]).tolist():
        ys, xs = np.nonzero(train_ids == tid)
        x1, y1, x2, y2 = (int(xs.min()), int(ys.min()), int(xs.max()),
                          int(ys.max()))
        objects.append(dict(label=CITYSCAPES[tid][0],
                            polygon=[[x1, y1], [x2, y1], [x2, y2],
                                     [x1, y2]]))
    return dict(imgHeight=h, imgWidth=w, objects=objects)


def _instance_ids(scene) -> np.ndarray:
    """``*_gtFine_instanceIds.png``: label id * 1000 + index within the
    class for instance pixels, the label id elsewhere."""
    out = _TRAIN_TO_ID[scene.train_ids].astype(np.int32)
    counts: Dict[int, int] = {}
    for tid, number in scene.objects:
        label_id = CITYSCAPES[tid][1]
        index = counts.get(label_id, 0)
        counts[label_id] = index + 1
        out[scene.instances == number] = label_id * 1000 + index
    return out


def coco_annotations(items: Sequence[tuple]) -> dict:
    """mmdetection's Cityscapes json from (file_name, segm_file,
    instanceIds map) per image, in its format."""
    import pycocotools.mask as mask_utils
    out = dict(images=[], categories=[], annotations=[])
    for img_id, (file_name, segm_file, inst) in enumerate(items):
        out['images'].append(dict(file_name=file_name, height=inst.shape[0],
                                  width=inst.shape[1], segm_file=segm_file,
                                  id=img_id))
        for inst_id in np.unique(inst[inst >= 24000]).tolist():
            mask = np.asfortranarray((inst == inst_id).astype(np.uint8))
            rle = mask_utils.encode(mask[:, :, None])[0]
            area, bbox = mask_utils.area(rle), mask_utils.toBbox(rle)
            rle['counts'] = rle['counts'].decode()
            out['annotations'].append(dict(
                iscrowd=0, category_id=int(inst_id // 1000),
                bbox=bbox.tolist(), area=area.tolist(), segmentation=rle,
                image_id=img_id, id=len(out['annotations'])))
    out['categories'] = [dict(id=CITYSCAPES_IDS[c], name=c)
                         for c in INSTANCE_CLASSES]
    if not out['annotations']:
        out.pop('annotations')
    return out


def make_cityscapes(root: str, per_city: int = 2, size=(256, 128),
                    seed: int = 0, betas: Sequence[float] = BETAS) -> str:
    """``root/cityscapes`` and ``root/foggy_cityscapes`` (images ``size``
    = (w, h)); returns the Cityscapes path."""
    from ...det.foggy_cityscapes import foggy_annotations
    rng = np.random.default_rng(seed + 3)
    base = osp.join(root, 'cityscapes')
    foggy = osp.join(root, 'foggy_cityscapes')
    w, h = size
    for split in ('train', 'val'):
        items = []
        for city, name in frame_names(split, per_city):
            scene = make_scene(h, w, rng)
            img = render(scene.train_ids, rng)
            write_image(osp.join(base, 'leftImg8bit', split, city,
                                 f'{name}_leftImg8bit.png'), img)
            for beta in betas:
                write_image(osp.join(
                    foggy, 'leftImg8bit_foggy', split, city,
                    f'{name}_leftImg8bit_foggy_beta_{beta:g}.png'),
                    fog(img, beta))
            gt = osp.join(base, 'gtFine', split, city, f'{name}_gtFine_')
            inst = _instance_ids(scene)
            write_image(gt + 'labelIds.png', _TRAIN_TO_ID[scene.train_ids])
            write_image(gt + 'labelTrainIds.png', scene.train_ids)
            write_image(gt + 'color.png', _COLOR[scene.train_ids])
            _write_png_i32(gt + 'instanceIds.png', inst)
            with open(gt + 'polygons.json', 'w') as f:
                json.dump(_polygons(scene.train_ids), f)
            items.append((f'{city}/{name}_leftImg8bit.png',
                          f'{city}/{name}_gtFine_labelIds.png', inst))
        ann = osp.join(base, 'annotations',
                       f'instancesonly_filtered_gtFine_{split}.json')
        os.makedirs(osp.dirname(ann), exist_ok=True)
        with open(ann, 'w') as f:
            json.dump(coco_annotations(items), f)
    src = osp.join(base, 'annotations',
                   'instancesonly_filtered_gtFine_{}.json')
    for beta in betas:
        dst = osp.join(foggy, 'annotations', f'foggy_beta_{beta:g}_{{}}.json')
        for split, name, labels in (('train', 'train_images', False),
                                    ('train', 'train', True),
                                    ('val', 'val', True)):
            foggy_annotations(src.format(split), dst.format(name), beta,
                              labels)
    return base


def _write_png_i32(path: str, ids: np.ndarray) -> None:
    """Cityscapes' instanceIds: a 16-bit single-channel PNG."""
    import cv2
    os.makedirs(osp.dirname(path), exist_ok=True)
    if not cv2.imwrite(path, ids.astype(np.uint16)):
        raise OSError(f'{path}: cannot write')
