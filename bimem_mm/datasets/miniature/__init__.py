"""Miniature copies of the paper datasets in their exact real layouts.

Every file is where and how the real dataset (and the converters of
mmsegmentation / mmdetection) puts it, only tiny: a few colour-coded
images per class or city. They run the paper configs end to end on a CPU
(``tests/paper``, ``tools/make_miniature_data.py``); the black boxes in
:mod:`.blackbox` answer on them from the ground truth with noise.

    from bimem_mm.datasets.miniature import make_miniature
    make_miniature('data_mini')   # office31, office_home, visda2017,
                                  # cityscapes, foggy_cityscapes, gta5,
                                  # synthia
"""
from typing import Dict, Iterable

from .cityscapes import make_cityscapes
from .classification import make_office31, make_officehome, make_visda2017
from .sources import make_gta5, make_synthia

# dataset folder -> writer (cityscapes writes foggy_cityscapes too)
WRITERS = {
    'office31': make_office31,
    'office_home': make_officehome,
    'visda2017': make_visda2017,
    'cityscapes': make_cityscapes,
    'gta5': make_gta5,
    'synthia': make_synthia,
}


def make_miniature(root: str, datasets: Iterable[str] = tuple(WRITERS),
                   seed: int = 0) -> Dict[str, str]:
    """Write the miniature ``datasets`` (names of :data:`WRITERS`) under
    ``root``; returns {name: folder}."""
    unknown = [d for d in datasets if d not in WRITERS]
    if unknown:
        raise ValueError(f'unknown datasets {unknown}; known: '
                         f'{", ".join(WRITERS)}')
    return {name: WRITERS[name](root, seed=seed) for name in datasets}


__all__ = ['make_miniature', 'make_office31', 'make_officehome',
           'make_visda2017', 'make_cityscapes', 'make_gta5', 'make_synthia',
           'WRITERS']
