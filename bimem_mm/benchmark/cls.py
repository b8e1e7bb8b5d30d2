"""Classification recipe: digit pairs through the configs in configs/cls."""
from typing import List

from .digits import DigitRecipe

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


def digits_dataset(prefix: str, npz: str, crop) -> List[str]:
    """cfg-options pointing a ``DigitsNpzDataset`` config at a file."""
    return [f'{prefix}.npz_file={npz}', f'{prefix}.crop={crop}',
            f'{prefix}.size={IMG_SIZE}']


class ClsRecipe(DigitRecipe):
    """Digit classification: black box -> store -> warm-up -> methods."""
    task = 'cls'
    configs = CONFIGS
    methods = METHODS
    metric = ('top1', 'accuracy/top1')
    analysis_methods = ('warmup', 'bimem', 'bimem_plus')
    analysis_options = ANALYSIS

    def dataset(self, prefix: str, npz: str, crop) -> List[str]:
        return digits_dataset(prefix, npz, crop)
