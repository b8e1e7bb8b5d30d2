"""Classification recipe: digit pairs through the configs in configs/cls."""
from typing import List

import numpy as np

from .recipe import Recipe

CONFIGS = {
    'black_box': 'configs/cls/digits/blackbox_digits.py',
    'warmup': 'configs/cls/digits/warmup_digits.py',
    'dine': 'configs/cls/digits/dine_digits.py',
    'bimem': 'configs/cls/digits/bimem_digits.py',
    'bimem_plus': 'configs/cls/digits/bimem_plus_digits.py',
    'oracle': 'configs/cls/digits/oracle_digits.py',
}
METHODS = ('black_box', 'warmup', 'dine', 'bimem', 'bimem_no_short',
           'bimem_no_long', 'bimem_plus', 'oracle')
IMG_SIZE = 16
# opt-in analysis: the training set carries its labels under another key,
# used only for logging pseudo-label accuracy (never in a loss)
ANALYSIS = ['train_dataloader.dataset.with_label=True',
            'train_dataloader.dataset.label_key=analysis_label',
            "train_dataloader.dataset.pipeline.2.algorithm_keys="
            "['bb_probs','analysis_label']",
            'model.analysis_key=analysis_label']


def auto_crop(npz: str, images: str = 'x_train'):
    """20 for 28x28 images (MNIST framing: digits in a central 20x20 box),
    else None."""
    with np.load(npz) as data:
        side = data[images].shape[1]
    return 20 if side == 28 else None


def digits_dataset(prefix: str, npz: str, crop) -> List[str]:
    """cfg-options pointing a ``DigitsNpzDataset`` config at a file."""
    return [f'{prefix}.npz_file={npz}', f'{prefix}.crop={crop}',
            f'{prefix}.size={IMG_SIZE}']


class ClsRecipe(Recipe):
    """Digit classification: black box -> store -> warm-up -> methods."""
    task = 'cls'
    configs = CONFIGS
    methods = METHODS
    metric = ('top1', 'accuracy/top1')
    analysis_methods = ('warmup', 'bimem', 'bimem_plus')
    analysis_options = ANALYSIS

    def __init__(self, source: str, target: str, *args, **kwargs):
        super().__init__(source, target, *args, **kwargs)
        self.src_crop, self.tgt_crop = auto_crop(source), auto_crop(target)

    def data_options(self, role: str) -> List[str]:
        if role == 'eval':
            return (digits_dataset('test_dataloader.dataset', self.target,
                                   self.tgt_crop)
                    + digits_dataset('val_dataloader.dataset', self.target,
                                     self.tgt_crop))
        if role == 'source':
            return digits_dataset('train_dataloader.dataset', self.source,
                                  self.src_crop)
        if role == 'oracle':
            return digits_dataset('train_dataloader.dataset', self.target,
                                  self.tgt_crop)
        opts = (digits_dataset('train_dataloader.dataset', self.target,
                               self.tgt_crop)
                + digits_dataset('memory_init_dataloader.dataset',
                                 self.target, self.tgt_crop))
        if role == 'target_store':
            opts.append(f'train_dataloader.dataset.pipeline.0.store='
                        f'{self.store}')
        return opts
