"""Digit scenes as an mmdet-style detection dataset (10 classes)."""
import os
import os.path as osp

import numpy as np
from mmengine.dataset import BaseDataset

from ..registry import DATASETS
from .scenes import load_scenes


@DATASETS.register_module()
class DigitScenesDataset(BaseDataset):
    """Scenes of 2-5 digits from a digit ``.npz`` (``bimem_mm.det.scenes``).

    Each item is laid out like mmdet's ``CocoDataset`` items: ``img``
    (canvas x canvas x 3 uint8, already in memory: no loading transform),
    ``img_shape``/``ori_shape``/``height``/``width``, ``img_id``,
    ``img_path`` (a pseudo path, for logs), ``bb_key``
    (``'scenes/<images>/<index:06d>'``, the key in the prediction store)
    and, only with ``with_label=True``, ``instances`` (one
    ``dict(bbox=[x1, y1, x2, y2], bbox_label=digit, ignore_flag=0)`` per
    digit) for mmdet's ``LoadAnnotations``.

    Black-box discipline: build every *training* set of adaptation with
    ``with_label=False``; the scenes are the same, only labels are absent.

    Args:
        npz_file (str): the digit file (relative to ``data_root`` if set).
        images / labels (str): array names in the file.
        num_scenes (int): S scenes. canvas (int): side in pixels.
        per_scene (tuple): (min, max) digits per scene.
        digit_size (tuple): (min, max) digit side in pixels.
        crop (int, optional): central crop of every digit first (20 for
            MNIST's 28x28 framing).
        seed (int): layout seed. with_label (bool): attach boxes+labels.
        **kwargs: passed to ``BaseDataset`` (``pipeline``, ``test_mode``...).
    """

    METAINFO = dict(classes=tuple(str(i) for i in range(10)))

    def __init__(self, npz_file, images='x_train', labels='y_train',
                 num_scenes=1000, canvas=64, per_scene=(2, 5),
                 digit_size=(14, 22), crop=None, seed=0, with_label=True,
                 **kwargs):
        data_root = kwargs.pop('data_root', '') or ''
        npz_file = os.fspath(npz_file)
        if data_root and not osp.isabs(npz_file):
            npz_file = osp.join(data_root, npz_file)
        self.npz_file = osp.abspath(npz_file)
        self.images, self.labels = images, labels
        self.scene_args = dict(num_scenes=int(num_scenes), canvas=int(canvas),
                               per_scene=tuple(per_scene),
                               digit_size=tuple(digit_size),
                               crop=None if crop is None else int(crop),
                               seed=int(seed))
        self.with_label = bool(with_label)
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self):
        scenes, classes = load_scenes(self.npz_file, self.images, self.labels,
                                      with_label=self.with_label,
                                      **self.scene_args)
        side = self.scene_args['canvas']
        data_list = []
        for i, img in enumerate(scenes.images):
            info = dict(img=np.repeat(img[..., None], 3, -1),
                        img_shape=(side, side), ori_shape=(side, side),
                        height=side, width=side, img_id=i, sample_idx=i,
                        img_path=f'{osp.basename(self.npz_file)}/'
                        f'{self.images}/{i:06d}.png',
                        bb_key=f'scenes/{self.images}/{i:06d}')
            if self.with_label:
                info['instances'] = [
                    dict(bbox=box.tolist(), bbox_label=int(label),
                         ignore_flag=0)
                    for box, label in zip(scenes.boxes[i], classes[i])]
            data_list.append(info)
        return data_list
