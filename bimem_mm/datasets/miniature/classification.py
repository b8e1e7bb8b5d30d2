"""Miniature Office-31, Office-Home and VisDA-2017 in their real layouts.

    office31/{amazon,dslr,webcam}/images/<class>/frame_0001.jpg
    office_home/{Art,Clipart,Product,Real_World}/<class>/00001.jpg
    visda2017/train/<class>/src_1_<synset>_<model>__<a>_<b>_<c>.png
    visda2017/train/image_list.txt          # "<class>/<file> <label>"
    visda2017/validation/<class>/<object id>.jpg
    visda2017/validation/image_list.txt

An image of class ``c`` is the class's colour (``labels.class_colors``)
with noise, shifted per domain (the domain gap); a few pixels a side.
"""
import os
import os.path as osp
from typing import Dict, Sequence

import numpy as np

from .labels import (
    OFFICE31,
    OFFICE31_DOMAINS,
    OFFICEHOME,
    OFFICEHOME_DOMAINS,
    VISDA2017,
    class_colors,
)
from .writing import write_image


def coded_image(label: int, num_classes: int, size: int, gain: float,
                rng: np.random.Generator) -> np.ndarray:
    """(size, size, 3) uint8 RGB: class colour x gain + noise."""
    color = class_colors(num_classes)[label].astype(np.float32) * gain
    img = color + rng.normal(0, 6, (size, size, 3))
    return img.clip(0, 255).astype(np.uint8)


def _domain(root: str, classes: Sequence[str], per_class: int, size: int,
            gain: float, name_of, rng) -> Dict[str, int]:
    """Write one domain folder; returns {relative path: label}."""
    out = {}
    for label, cls in enumerate(classes):
        for k in range(per_class):
            rel = f'{cls}/{name_of(k, rng)}'
            write_image(osp.join(root, rel),
                        coded_image(label, len(classes), size, gain, rng))
            out[rel] = label
    return out


def make_office31(root: str, per_class: int = 1, size: int = 24,
                  seed: int = 0) -> str:
    """``root/office31``; returns its path."""
    rng = np.random.default_rng(seed)
    base = osp.join(root, 'office31')
    for domain, gain in zip(OFFICE31_DOMAINS, (1.0, 0.95, 0.9)):
        _domain(osp.join(base, domain, 'images'), OFFICE31, per_class, size,
                gain, lambda k, _: f'frame_{k + 1:04d}.jpg', rng)
    return base


def make_officehome(root: str, per_class: int = 1, size: int = 24,
                    seed: int = 0) -> str:
    """``root/office_home``; returns its path."""
    rng = np.random.default_rng(seed + 1)
    base = osp.join(root, 'office_home')
    for domain, gain in zip(OFFICEHOME_DOMAINS, (1.0, 0.95, 0.9, 0.97)):
        _domain(osp.join(base, domain), OFFICEHOME, per_class, size, gain,
                lambda k, _: f'{k + 1:05d}.jpg', rng)
    return base


def _visda_train_name(k: int, rng) -> str:
    synset = int(rng.integers(2690000, 4600000))
    model = ''.join(rng.choice(list('0123456789abcdef'), 32))
    return f'src_1_{synset:08d}_{model}__{k % 3 + 1}_{k % 5}_{k % 7:03d}.png'


def make_visda2017(root: str, per_class: int = 2, size: int = 24,
                   seed: int = 0) -> str:
    """``root/visda2017`` (train: synthetic PNG renderings, validation:
    real JPEG crops, each with its image_list.txt); returns its path."""
    rng = np.random.default_rng(seed + 2)
    base = osp.join(root, 'visda2017')
    names = {'train': _visda_train_name,
             'validation': lambda k, _: f'{1000 + 37 * k:06d}.jpg'}
    for split, gain in (('train', 1.0), ('validation', 0.9)):
        files = _domain(osp.join(base, split), VISDA2017, per_class, size,
                        gain, names[split], rng)
        os.makedirs(osp.join(base, split), exist_ok=True)
        with open(osp.join(base, split, 'image_list.txt'), 'w') as f:
            f.writelines(f'{rel} {label}\n' for rel, label in files.items())
    return base
