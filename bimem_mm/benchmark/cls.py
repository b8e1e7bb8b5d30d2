"""Classification recipe: image pairs through the configs in configs/cls.

Digit pairs run as the configs say (grey 16x16, ten classes); any other
pair of ``.npz`` files (RGB, any size, any class count;
:mod:`.image_pair`) gets cfg-options that fit the data, the backbone and
the head to it.
"""
from typing import List, Optional

from .digits import DigitRecipe
from .image_pair import (
    DIGIT_CLASSES,
    DIGIT_SIZE,
    ImageFormat,
    backbone_stages,
    read_format,
)
from .pipeline_steps import step_options

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
IMG_SIZE = DIGIT_SIZE
# the models trained on the source or with labels; the others are wrapped
# (model.model) by the adaptation wrapper
PLAIN_MODELS = ('black_box', 'oracle')
# opt-in analysis: the training set carries its labels under another key,
# used only for logging pseudo-label accuracy (never in a loss); PackInputs
# passes them on (ClsRecipe.analysis_options_of)
ANALYSIS = ['train_dataloader.dataset.with_label=True',
            'train_dataloader.dataset.label_key=analysis_label',
            'model.analysis_key=analysis_label']


def digits_dataset(prefix: str, npz: str, crop, size: int = IMG_SIZE,
                   channels: int = 1,
                   num_classes: int = DIGIT_CLASSES) -> List[str]:
    """cfg-options pointing a ``DigitsNpzDataset`` config at a file."""
    opts = [f'{prefix}.npz_file={npz}', f'{prefix}.crop={crop}',
            f'{prefix}.size={size}']
    if channels == 3:
        opts.append(f'{prefix}.rgb=True')
    if num_classes != DIGIT_CLASSES:
        opts.append(f'{prefix}.num_classes={num_classes}')
    return opts


def model_options(prefix: str, fmt: ImageFormat) -> List[str]:
    """cfg-options fitting the digit model (SmallConvNet, linear head) at
    ``prefix`` (``model.`` or ``model.model.``) to ``fmt``; none for the
    digit format."""
    opts = []
    if fmt.channels != 1:
        mean = repr([127.5] * fmt.channels).replace(' ', '')
        opts += [f'{prefix}backbone.in_channels={fmt.channels}',
                 f'{prefix}data_preprocessor.mean={mean}',
                 f'{prefix}data_preprocessor.std={mean}']
    if fmt.size != DIGIT_SIZE:
        channels, downsample = backbone_stages(fmt.size)
        opts += [f'{prefix}backbone.channels={channels}'.replace(' ', ''),
                 f'{prefix}backbone.downsample={downsample}'.replace(' ', '')]
    if fmt.num_classes != DIGIT_CLASSES:
        opts += [f'{prefix}head.num_classes={fmt.num_classes}',
                 f'{prefix}data_preprocessor.num_classes={fmt.num_classes}']
    return opts


class ClsRecipe(DigitRecipe):
    """Image classification: black box -> store -> warm-up -> methods."""
    task = 'cls'
    configs = CONFIGS
    methods = METHODS
    metric = ('top1', 'accuracy/top1')
    analysis_methods = ('warmup', 'bimem', 'bimem_plus')
    analysis_options = ANALYSIS
    # bimem_plus: 3/4 of its budget in the DINE start (stage dine_start75),
    # the last 1/4 bimem_plus at lr 0.025 (its config). Chosen on the dev
    # pairs usps_clean -> mnist_clean and mnist_clean -> mnist_rotated,
    # seeds 0-2 (docs/dev_suite/cls.md, session 6); --stage-iters
    # dine_half=0.5 is the session-5 half/half split.
    plus_start_share = 0.75

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.format.digits:      # MNIST's framing is for digits
            self.src_crop = self.tgt_crop = None
        # the black box's model config, for its predictions
        self.predict_args = list(self.predict_args) + (
            ['--model-cfg-options'] + model_options('model.', self.format)
            if self.model_changed() else [])

    @classmethod
    def check_pair(cls, source: str, target: str,
                   image_format: Optional[dict] = None) -> ImageFormat:
        return read_format(source, target, **(image_format or {}))

    def model_changed(self) -> bool:
        fmt = self.format
        return (fmt.channels, fmt.size, fmt.num_classes) != (
            1, DIGIT_SIZE, DIGIT_CLASSES)

    def dataset(self, prefix: str, npz: str, crop) -> List[str]:
        fmt = self.format
        return digits_dataset(prefix, npz, crop, fmt.size, fmt.channels,
                              fmt.num_classes)

    def analysis_options_of(self, config: str) -> List[str]:
        keys = step_options(config, 'train_dataloader', 'PackInputs',
                            required=True,
                            algorithm_keys=['bb_probs', 'analysis_label'])
        return ANALYSIS[:2] + keys + ANALYSIS[2:]

    def format_options(self, method: str) -> List[str]:
        """The model, the stored predictions' class count and the random
        crop fitted to a non-digit pair (none for digits)."""
        if not self.model_changed():
            return []
        base = self.variants.get(method, (method, ))[0]
        prefix = 'model.' if base in PLAIN_MODELS else 'model.model.'
        config = self.config(method)
        opts = model_options(prefix, self.format)
        opts += step_options(config, 'train_dataloader', 'RandomCrop',
                             crop_size=self.format.size)
        if base not in PLAIN_MODELS:
            opts += step_options(config, 'train_dataloader', 'store',
                                 num_classes=self.format.num_classes)
        return opts
