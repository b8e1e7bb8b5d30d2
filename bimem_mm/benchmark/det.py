"""Detection recipe: digit scenes through the configs in configs/det/digits.

Source and target are digit ``.npz`` files; each stage composes its scenes
(``bimem_mm.det.scenes``) from them. Reports mAP@0.5 in percent.
"""
from .digits import DigitRecipe

CONFIGS = {
    'black_box': 'configs/det/digits/blackbox_scenes.py',
    'warmup': 'configs/det/digits/warmup_scenes.py',
    'dine': 'configs/det/digits/dine_scenes.py',
    'bimem': 'configs/det/digits/bimem_scenes.py',
    'bimem_plus': 'configs/det/digits/bimem_plus_scenes.py',
    'oracle': 'configs/det/digits/oracle_scenes.py',
}
METHODS = ('black_box', 'warmup', 'dine', 'bimem', 'bimem_no_short',
           'bimem_no_long', 'bimem_plus', 'oracle')


class DetRecipe(DigitRecipe):
    """Black box -> store -> warm-up -> memory init -> methods, and the
    oracle, on digit scenes of one (source, target) pair and seed."""
    task = 'det'
    configs = CONFIGS
    methods = METHODS
    metric = ('mAP50', 'pascal_voc/mAP')
    metric_scale = 100.0
    predict_args = ['--batch-size', '32']
    # --suite demo: fewer iterations so that every task fits in 20 minutes
    # on 2 CPU cores
    demo_iters = 400
    # --analysis (pseudo-label accuracy logging) is not implemented for
    # boxes: no analysis_methods; the memory plots show the rest.
    # The memory initialisation pass also reads the stored boxes (its units)
    store_loaders = ('train_dataloader', 'memory_init_dataloader')

