"""The recipe base of the digit suites: source and target are ``.npz`` files.

A task recipe (cls, seg, det) says how a config's dataset is pointed at a
file (:meth:`DigitRecipe.dataset`) and which loaders read the black-box
store; the data roles are the same for all three. The pair is checked
when the recipe is made (:meth:`DigitRecipe.check_pair`).
"""
from typing import List, Optional

import numpy as np

from .image_pair import (
    DIGIT_CLASSES,
    DIGIT_SIDE,
    ImageFormat,
    PairError,
    describe,
    read_format,
)
from .recipe import Recipe


def auto_crop(npz: str, images: str = 'x_train'):
    """20 for 28x28 images (MNIST framing: digits in a central 20x20 box),
    else None."""
    with np.load(npz) as data:
        side = data[images].shape[1]
    return 20 if side == 28 else None


class DigitRecipe(Recipe):
    """A :class:`Recipe` whose data are two digit ``.npz`` files.

    ``image_format``: ``channels`` / ``size`` / ``num_classes`` overriding
    what the files say (tools/benchmark.py --channels, --image-size,
    --num-classes; classification only).
    """
    # loaders of the unlabelled target set that read the black-box store
    store_loaders = ('train_dataloader', )

    def __init__(self, source: str, target: str, *args,
                 image_format: Optional[dict] = None, **kwargs):
        super().__init__(source, target, *args, **kwargs)
        self.format = self.check_pair(source, target, image_format)
        self.src_crop, self.tgt_crop = auto_crop(source), auto_crop(target)

    @classmethod
    def check_pair(cls, source: str, target: str,
                   image_format: Optional[dict] = None) -> ImageFormat:
        """The pair's :class:`ImageFormat`; :class:`PairError` if this task
        cannot run it. Scene tasks compose digit scenes: they need ten
        classes of digit-sized images and take no format flags."""
        if any(v is not None for v in (image_format or {}).values()):
            raise PairError(f'{cls.task}: --channels, --image-size and '
                            '--num-classes are for classification (--tasks '
                            'cls); digit scenes have their own format')
        fmt = read_format(source, target)
        if not fmt.digits or fmt.num_classes != DIGIT_CLASSES:
            raise PairError(
                f'{cls.task}: {source} -> {target} ({describe(fmt)}) is not '
                f'a digit pair: {cls.task} composes scenes of the ten digits '
                f'from images of at most {DIGIT_SIDE}x{DIGIT_SIDE}; run it '
                'with --tasks cls')
        return fmt

    def dataset(self, prefix: str, npz: str, crop) -> List[str]:
        """cfg-options pointing the dataset at ``prefix`` to a file."""
        return [f'{prefix}.npz_file={npz}', f'{prefix}.crop={crop}']

    def data_options(self, role: str) -> List[str]:
        if role == 'eval':
            return (self.dataset('test_dataloader.dataset', self.target,
                                 self.tgt_crop)
                    + self.dataset('val_dataloader.dataset', self.target,
                                   self.tgt_crop))
        if role == 'source':
            return self.dataset('train_dataloader.dataset', self.source,
                                self.src_crop)
        if role == 'oracle':
            return self.dataset('train_dataloader.dataset', self.target,
                                self.tgt_crop)
        opts = []
        for loader in ('train_dataloader', 'memory_init_dataloader'):
            opts += self.dataset(f'{loader}.dataset', self.target,
                                 self.tgt_crop)
            if role == 'target_store' and loader in self.store_loaders:
                opts.append(f'{loader}.dataset.pipeline.0.store={self.store}')
        return opts

