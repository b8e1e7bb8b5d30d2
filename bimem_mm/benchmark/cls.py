"""Classification recipe: digit pairs through the configs in configs/cls."""
import os.path as osp
from typing import Dict, List

import numpy as np

from . import stages

CONFIGS = {
    'black_box': 'configs/cls/digits/blackbox_digits.py',
    'warmup': 'configs/cls/digits/warmup_digits.py',
    'bimem': 'configs/cls/digits/bimem_digits.py',
    'oracle': 'configs/cls/digits/oracle_digits.py',
    'dine': 'configs/cls/digits/dine_digits.py',
    'bimem_plus': 'configs/cls/digits/bimem_plus_digits.py',
}
# methods trained from the warm-up checkpoint without a memory pass
NO_MEMORY = ('dine', )
METHODS = ('black_box', 'warmup', 'dine', 'bimem', 'bimem_no_short',
           'bimem_no_long', 'bimem_plus', 'oracle')
# ablations: the BiMem config with one memory switched off
VARIANTS = {
    'bimem_no_short': ('bimem', ['model.refiner.use_short=False']),
    'bimem_no_long': ('bimem', ['model.refiner.use_long=False']),
}
# opt-in analysis: the training set carries its labels under another key,
# used only for logging pseudo-label accuracy (never in a loss)
ANALYSIS = ['train_dataloader.dataset.with_label=True',
            'train_dataloader.dataset.label_key=analysis_label',
            "train_dataloader.dataset.pipeline.2.algorithm_keys="
            "['bb_probs','analysis_label']",
            'model.analysis_key=analysis_label']
METRIC = ('top1', 'accuracy/top1')
IMG_SIZE = 16


def auto_crop(npz: str, images: str = 'x_train'):
    """20 for 28x28 images (MNIST framing: digits in a central 20x20 box),
    else None."""
    with np.load(npz) as data:
        side = data[images].shape[1]
    return 20 if side == 28 else None


def _dataset(prefix: str, npz: str, crop) -> List[str]:
    return [f'{prefix}.npz_file={npz}', f'{prefix}.crop={crop}',
            f'{prefix}.size={IMG_SIZE}']


class ClsRecipe:
    """Runs black box -> store -> warm-up -> memory init -> BiMem, and the
    oracle, for one (source, target) pair and seed."""
    task = 'cls'
    configs = CONFIGS
    methods = METHODS
    metric = METRIC

    def __init__(self, source: str, target: str, out: str, seed: int,
                 iters: int = 1000, method_options=None,
                 analysis: bool = False):
        self.source, self.target = source, target
        self.src_crop, self.tgt_crop = auto_crop(source), auto_crop(target)
        self.out, self.seed, self.iters = out, seed, iters
        self.store = osp.join(out, 'blackbox_store')
        self.method_options = method_options or {}
        self.analysis = analysis

    # --- cfg-options ----------------------------------------------------
    @staticmethod
    def _iters(n: int) -> List[str]:
        return [f'train_cfg.max_iters={n}', f'train_cfg.val_interval={n}',
                f'default_hooks.checkpoint.interval={n}',
                f'param_scheduler.0.end={n}']

    def _common(self) -> List[str]:
        return ([f'randomness.seed={self.seed}'] + self._iters(self.iters)
                + _dataset('test_dataloader.dataset', self.target,
                           self.tgt_crop)
                + _dataset('val_dataloader.dataset', self.target,
                           self.tgt_crop))

    def _target_train(self, with_store: bool) -> List[str]:
        opts = (_dataset('train_dataloader.dataset', self.target,
                         self.tgt_crop)
                + _dataset('memory_init_dataloader.dataset', self.target,
                           self.tgt_crop))
        if with_store:
            opts.append(f'train_dataloader.dataset.pipeline.0.store='
                        f'{self.store}')
        return opts

    def config(self, method: str) -> str:
        return CONFIGS[VARIANTS.get(method, (method,))[0]]

    def options(self, method: str) -> List[str]:
        base, extra = VARIANTS.get(method, (method, []))
        opts = self._options(base) + extra + list(
            self.method_options.get(method, []))
        if self.analysis and base in ('warmup', 'bimem', 'bimem_plus'):
            opts += ANALYSIS
        return opts

    def _options(self, method: str) -> List[str]:
        if method == 'black_box':
            return self._common() + _dataset('train_dataloader.dataset',
                                             self.source, self.src_crop)
        if method == 'oracle':
            return self._common() + _dataset(
                'train_dataloader.dataset', self.target, self.tgt_crop)
        return self._common() + self._target_train(with_store=True)

    # --- stages ---------------------------------------------------------
    def _path(self, *parts):
        return osp.join(self.out, *parts)

    def train(self, method: str, extra: List[str] = (), iters: int = None,
              name: str = None) -> str:
        iters = iters or self.iters
        name = name or method
        return stages.train(self.config(method), self._path(name),
                            self.options(method) + list(extra)
                            + self._iters(iters),
                            self._path('logs', f'train_{name}.log'), iters)

    def evaluate(self, method: str, ckpt: str) -> float:
        metrics = stages.test(self.config(method), ckpt,
                              self._path(method, 'test'),
                              self.options(method),
                              self._path('logs', f'test_{method}.log'))
        return float(metrics[self.metric[1]])

    def predict_store(self, bb_ckpt: str) -> None:
        stages.run_tool(
            'predict_blackbox.py',
            [CONFIGS['warmup'], '--out', self.store, '--model',
             CONFIGS['black_box'], '--checkpoint', bb_ckpt,
             '--cfg-options'] + self._target_train(with_store=False),
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
        """Run what ``methods`` need; returns {method: metric}."""
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
                start, iters = warm, self.iters
                if method == 'bimem_plus':
                    # from a DINE-style distilled model; the two stages
                    # share the iterations of one, so the budget is equal
                    iters = self.iters // 2
                    start = self.train('dine', [f'load_from={warm}'],
                                       iters, 'dine_half')
                init = start if method in NO_MEMORY else \
                    self.init_memory(method, start)
                ckpt = self.train(method, [f'load_from={init}'], iters)
                results[method] = self.evaluate(method, ckpt)
        if 'oracle' in methods:
            results['oracle'] = self.evaluate('oracle',
                                              self.train('oracle'))
        return results
