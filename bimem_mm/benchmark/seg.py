"""Segmentation recipe: digit scenes through the configs in configs/seg/digits.

Source and target are digit ``.npz`` files; every stage composes its scenes
(``bimem_mm.seg.scenes``) from them, deterministically. Reports mIoU (%).
"""

from .digits import DigitRecipe

CONFIGS = {
    'black_box': 'configs/seg/digits/blackbox_scenes.py',
    'warmup': 'configs/seg/digits/warmup_scenes.py',
    'dine': 'configs/seg/digits/dine_scenes.py',
    'bimem': 'configs/seg/digits/bimem_scenes.py',
    'bimem_plus': 'configs/seg/digits/bimem_plus_scenes.py',
    'oracle': 'configs/seg/digits/oracle_scenes.py',
}
METHODS = ('black_box', 'warmup', 'dine', 'bimem', 'bimem_no_short',
           'bimem_no_long', 'bimem_plus', 'oracle')
# opt-in analysis: the training scenes carry their label maps, used only to
# log pseudo-label accuracy (never in a loss)
ANALYSIS = ['train_dataloader.dataset.with_label=True',
            'model.analysis_key=gt_sem_seg']


class SegRecipe(DigitRecipe):
    """Digit scenes: black box -> store -> warm-up -> memory init -> BiMem,
    and the oracle, for one (source, target) pair and seed."""
    task = 'seg'
    configs = CONFIGS
    methods = METHODS
    metric = ('mIoU', 'mIoU')
    analysis_methods = ('warmup', 'dine', 'bimem', 'bimem_plus')
    analysis_options = ANALYSIS
    # top-3 per pixel at full resolution: 64x64 scenes are too small to
    # downscale (docs/segmentation.md; tools/benchmarks/store_size.py)
    predict_args = ['--mode', 'topk', '--k', '3', '--batch-size', '50']

    # a segmentation iteration costs several classification ones (64x64
    # scenes, a dense head)
    default_iters = 600
    demo_iters = 600
    # the warm-up trains 3x the stage budget (1800 of 600 iterations); dine,
    # bimem and bimem_plus start from it with their own budget. Chosen on
    # USPS <-> MNIST, 3 seeds each (docs/dev_suite/seg.md#session-6): the
    # 600-iteration warm-up stayed below the black box on every seed of
    # MNIST -> USPS; --stage-iters warmup=1 is the session-5 warm-up
    stage_iters = {'warmup': 3.0}
