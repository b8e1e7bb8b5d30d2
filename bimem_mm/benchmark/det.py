"""Detection recipe: digit scenes through the configs in configs/det/digits.

Source and target are digit ``.npz`` files; each stage composes its scenes
(``bimem_mm.det.scenes``) from them. Reports mAP@0.5 in percent.
"""
import os
import os.path as osp
from contextlib import contextmanager
from typing import Dict, List

from . import stages
from .cls import auto_crop

CONFIGS = {
    'black_box': 'configs/det/digits/blackbox_scenes.py',
    'warmup': 'configs/det/digits/warmup_scenes.py',
    'bimem': 'configs/det/digits/bimem_scenes.py',
    'oracle': 'configs/det/digits/oracle_scenes.py',
}
METHODS = ('black_box', 'warmup', 'bimem', 'oracle')
# ablations: the BiMem config with one memory switched off
VARIANTS = {
    'bimem_no_short': ('bimem', ['model.refiner.use_short=False']),
    'bimem_no_long': ('bimem', ['model.refiner.use_long=False']),
}
METRIC = ('mAP50', 'pascal_voc/mAP')
# the small detectors run faster with one thread per process than with
# threads competing for a shared 2-core machine; a user's setting wins
THREADS = '1'


def _scenes(prefix: str, npz: str, crop) -> List[str]:
    return [f'{prefix}.npz_file={npz}', f'{prefix}.crop={crop}']


@contextmanager
def _default_threads(value: str):
    old = os.environ.get('OMP_NUM_THREADS')
    if old is None:
        os.environ['OMP_NUM_THREADS'] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop('OMP_NUM_THREADS', None)


class DetRecipe:
    """Runs black box -> store -> warm-up -> memory init -> BiMem, and the
    oracle, on digit scenes of one (source, target) pair and seed."""
    task = 'det'
    configs = CONFIGS
    methods = METHODS
    metric = METRIC

    def __init__(self, source: str, target: str, out: str, seed: int,
                 iters: int = 1000, method_options=None,
                 analysis: bool = False):
        if analysis:
            print('det: --analysis (pseudo-label accuracy logging) is not '
                  'implemented for detection; ignored', flush=True)
        self.source, self.target = source, target
        self.src_crop, self.tgt_crop = auto_crop(source), auto_crop(target)
        self.out, self.seed, self.iters = out, seed, iters
        self.store = osp.join(out, 'blackbox_store')
        self.method_options = method_options or {}

    # --- cfg-options ----------------------------------------------------
    def _common(self) -> List[str]:
        return ([f'randomness.seed={self.seed}',
                 f'train_cfg.max_iters={self.iters}',
                 f'train_cfg.val_interval={self.iters}',
                 f'default_hooks.checkpoint.interval={self.iters}']
                + _scenes('test_dataloader.dataset', self.target,
                          self.tgt_crop)
                + _scenes('val_dataloader.dataset', self.target,
                          self.tgt_crop))

    def _target_train(self, with_store: bool) -> List[str]:
        opts = []
        for loader in ('train_dataloader', 'memory_init_dataloader'):
            opts += _scenes(f'{loader}.dataset', self.target, self.tgt_crop)
            if with_store:
                opts.append(f'{loader}.dataset.pipeline.0.store={self.store}')
        return opts

    def config(self, method: str) -> str:
        return CONFIGS[VARIANTS.get(method, (method,))[0]]

    def options(self, method: str) -> List[str]:
        base, extra = VARIANTS.get(method, (method, []))
        if base == 'black_box':
            opts = _scenes('train_dataloader.dataset', self.source,
                           self.src_crop)
        elif base == 'oracle':
            opts = _scenes('train_dataloader.dataset', self.target,
                           self.tgt_crop)
        else:
            opts = self._target_train(with_store=True)
        return self._common() + opts + extra + list(
            self.method_options.get(method, []))

    # --- stages ---------------------------------------------------------
    def _path(self, *parts):
        return osp.join(self.out, *parts)

    def train(self, method: str, extra: List[str] = ()) -> str:
        return stages.train(self.config(method), self._path(method),
                            self.options(method) + list(extra),
                            self._path('logs', f'train_{method}.log'),
                            self.iters)

    def evaluate(self, method: str, ckpt: str) -> float:
        """mAP@0.5 of ``ckpt`` on the target test scenes, in percent."""
        metrics = stages.test(self.config(method), ckpt,
                              self._path(method, 'test'),
                              self.options(method),
                              self._path('logs', f'test_{method}.log'))
        return 100.0 * float(metrics[self.metric[1]])

    def predict_store(self, bb_ckpt: str) -> None:
        stages.run_tool(
            'predict_blackbox.py',
            [CONFIGS['warmup'], '--task', 'det', '--out', self.store,
             '--model', CONFIGS['black_box'], '--checkpoint', bb_ckpt,
             '--batch-size', '32', '--cfg-options']
            + self._target_train(with_store=False),
            self._path('logs', 'predict_blackbox.log'),
            osp.join(self.store, 'manifest.json'))

    def init_memory(self, method: str, warmup_ckpt: str) -> str:
        out = self._path(method, 'memory_init.pth')
        stages.run_tool(
            'init_memory.py', [self.config(method), warmup_ckpt, '--out', out,
                               '--cfg-options'] + self.options(method),
            self._path('logs', f'init_memory_{method}.log'), out)
        return out

    def run(self, methods) -> Dict[str, float]:
        """Run what ``methods`` need; returns {method: mAP50 in percent}."""
        with _default_threads(THREADS):
            return self._run(methods)

    def _run(self, methods) -> Dict[str, float]:
        results = {}
        bb = self.train('black_box')
        if 'black_box' in methods:
            results['black_box'] = self.evaluate('black_box', bb)
        adapt = [m for m in methods if m not in ('black_box', 'oracle')]
        if adapt:
            self.predict_store(bb)
            warm = self.train('warmup')
            for method in adapt:
                if method == 'warmup':
                    results[method] = self.evaluate(method, warm)
                    continue
                init = self.init_memory(method, warm)
                ckpt = self.train(method, [f'load_from={init}'])
                results[method] = self.evaluate(method, ckpt)
        if 'oracle' in methods:
            results['oracle'] = self.evaluate('oracle',
                                              self.train('oracle'))
        return results
