"""Paper-scale benchmarks: the committed configs of the paper's datasets,
adapted from a black box the user already has.

In the paper's setting the black box is given: a source model (config and
checkpoint, trained on the source domain by mmpretrain / mmseg / mmdet or
``tools/train.py`` on a ``blackbox_*`` config) or a prediction store that
``tools/predict_blackbox.py`` wrote from it. :data:`BENCHMARKS` names each
(source, target) pair the configs support and the config of each method;
:class:`PaperRecipe` runs them through the same stages as the digit
suites (:class:`~.recipe.Recipe`), except that the black box is never
trained here:

    black box (given) -> its predictions on the target training images
    (skipped with a given store) -> warm-up -> memory init -> method -> test

Every stage trains for its config's own ``max_iters`` unless ``--iters``
sets one number for all (the LR schedule is then scaled to it).
:class:`SuiteOptions` carries what the command line sets for every stage
(``--cfg-options``, ``--image-scale``, ``--no-pretrained``;
:mod:`.paper_options` turns them into each config's cfg-options), and the
black box may also be a Python callable (``--blackbox-callable``;
:mod:`.paper_blackbox` checks the given one).
"""
import os.path as osp
import threading
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from . import paper_options, stages
from .paper_benchmarks import (  # noqa: F401  (the public names of paper)
    ADAPT_METHODS,
    BENCHMARKS,
    Benchmark,
    PaperSetupError,
    get,
    listing,
    per_benchmark,
)
from .paper_blackbox import (  # noqa: F401
    BlackBox,
    black_box_for,
    check_store,
)
from .paper_schedule import (  # noqa: F401
    Schedule,
    scaled_iteration_options,
    schedule_of,
)
from .pipeline_steps import step_options
from .recipe import STARTS, Recipe


@dataclass(frozen=True)
class SuiteOptions:
    """What the command line sets for every stage of a paper benchmark.

    Attributes:
        cfg_options: ``KEY=VALUE`` for every stage's config (training,
            memory init, tests, both sides of the predictions).
        image_scale: every image size in every dataloader pipeline times
            this (``--image-scale``; 1: the configs' own sizes).
        pretrained: False: no ImageNet initialisation (``--no-pretrained``,
            smoke runs).
    """
    cfg_options: Tuple[str, ...] = ()
    image_scale: float = 1.0
    pretrained: bool = True


# one prediction pass per store, however many seeds run in parallel
_STORE_LOCKS: Dict[str, threading.Lock] = {}
_STORE_LOCKS_GUARD = threading.Lock()


def _store_lock(path: str) -> threading.Lock:
    with _STORE_LOCKS_GUARD:
        return _STORE_LOCKS.setdefault(osp.abspath(path), threading.Lock())


class PaperRecipe(Recipe):
    """One paper benchmark and seed, from a given black box.

    Args:
        bench: the :class:`Benchmark`.
        out: this seed's folder (``<out>/<task>/<benchmark>/seed<k>``);
            black-box predictions go to ``<out>/../blackbox_store``, shared
            by the seeds, unless ``blackbox.store`` is given.
        seed: ``randomness.seed`` of every stage.
        iters: iterations of every training stage (None: each config's
            own ``max_iters``).
        blackbox: :class:`BlackBox`.
        data_root: the folder holding the datasets as the configs' ``data/``
            does (``office31``, ``office_home``, ``visda2017``,
            ``cityscapes``, ``foggy_cityscapes``); None: the configs' own
            paths (``data/...`` in the checkout).
        suite: :class:`SuiteOptions`.
        runner: :class:`~.stages.StageRunner` (default: run the stages).
    """
    analysis_methods = ()     # training-set statistics need target labels

    def __init__(self, bench: Benchmark, out: str, seed: int,
                 iters: Optional[int] = None, method_options=None,
                 analysis: bool = False, threads: Optional[int] = None,
                 blackbox: Optional[BlackBox] = None,
                 data_root: Optional[str] = None,
                 suite: Optional[SuiteOptions] = None,
                 runner: Optional[stages.StageRunner] = None):
        super().__init__(bench.dataset, bench.target_prefix or bench.dataset,
                         out, seed, iters, method_options, analysis, threads,
                         runner)
        self.bench = bench
        self.iters = iters                    # None: the configs' own
        self.task, self.metric = bench.task, bench.metric
        self.starts = dict(STARTS.get(self.task, {}))
        self.metric_scale = bench.metric_scale
        self.predict_args = list(bench.predict_args)
        self.methods = bench.methods
        self.blackbox = blackbox or BlackBox()
        self.configs = dict(bench.configs)
        if self.blackbox.config:
            self.configs['black_box'] = self.blackbox.config
        self.store = self.blackbox.store or osp.join(osp.dirname(out),
                                                     'blackbox_store')
        self.root = (osp.join(osp.abspath(data_root), bench.dataset) + '/'
                     if data_root else None)
        self.suite = suite or SuiteOptions()

    # --- what may run -----------------------------------------------------
    def default_methods(self) -> List[str]:
        """Every method the given black box allows: ``black_box`` needs
        its model (a store alone cannot be evaluated)."""
        return [m for m in self.methods
                if m != 'black_box' or self.blackbox.checkpoint]

    def check(self, methods: Sequence[str], dry_run: bool = False) -> None:
        """Raise :class:`PaperSetupError` unless ``methods`` can run."""
        name = self.bench.name
        unknown = [m for m in methods if m not in self.methods]
        if unknown:
            raise PaperSetupError(f'{name}: no method {unknown}; available: '
                                  f'{", ".join(self.methods)}')
        if 'black_box' in methods and not self.blackbox.checkpoint:
            raise PaperSetupError(
                f'{name}: evaluating black_box needs its model: '
                '--blackbox-checkpoint (and --blackbox-config unless it is '
                f'{self.bench.configs["black_box"]})')
        if any(m in ADAPT_METHODS for m in methods) and not (
                self.blackbox.checkpoint or self.blackbox.store
                or self.blackbox.callable):
            raise PaperSetupError(
                f'{name}: adaptation needs the black box: '
                '--blackbox-checkpoint CKPT [--blackbox-config CFG, default '
                f'{self.bench.configs["black_box"]}], --blackbox-store '
                'DIR (from tools/predict_blackbox.py) or --blackbox-callable '
                'MODULE:FUNCTION')
        if not dry_run:
            root = (self.root or osp.join(stages.REPO, 'data',
                                          self.bench.dataset)).rstrip('/')
            if not osp.isdir(root):
                raise PaperSetupError(
                    f'{name}: dataset folder {root} not found (--data-root '
                    'DIR must hold it; layouts in docs/classification.md, '
                    'docs/segmentation.md, docs/detection.md)')
            if self.suite.pretrained:
                self.check_pretrained(methods)

    def training_configs(self, methods: Sequence[str]) -> List[str]:
        """The methods (stages) whose configs ``methods`` train."""
        out = []
        for m in methods:
            if m == 'black_box':
                continue
            out += ['warmup', m] if m != 'warmup' else ['warmup']
            if self.start_of(m) == 'dine_half':
                out.append('dine')
        return list(dict.fromkeys(out))

    def check_pretrained(self, methods: Sequence[str]) -> None:
        """The ImageNet weights of every training stage are here (fetched
        now if not): offline, stop before the predictions with the files
        and the ways out."""
        try:
            paper_options.check_pretrained(
                [(self.config(m), self.options(m))
                 for m in self.training_configs(methods)])
        except FileNotFoundError as err:
            raise PaperSetupError(f'{self.bench.name}: pretrained weights '
                                  f'missing:\n{err}') from None

    def run(self, methods) -> Dict[str, float]:
        try:
            self.check(methods, self.runner.dry_run)
        except PaperSetupError as err:
            raise stages.StageError(str(err)) from None
        return self._run(methods)

    # --- cfg-options ----------------------------------------------------
    def _dataset(self, loader: str, inner: str = 'dataset') -> List[str]:
        prefix = f'{loader}.{inner}'
        opts = []
        if self.task == 'cls':       # the domain folder chooses the pair
            opts.append(f'{prefix}.data_prefix={self.bench.target_prefix}')
        if self.root:
            opts.append(f'{prefix}.data_root={self.root}')
        return opts

    def data_options(self, role: str,
                     config: Optional[str] = None) -> List[str]:
        if role == 'eval':
            return (self._dataset('val_dataloader')
                    + self._dataset('test_dataloader'))
        if role == 'source':        # the black box is given, never trained
            return []
        if role == 'oracle':        # det: a RepeatDataset of the labels
            return self._dataset('train_dataloader', 'dataset.dataset')
        opts = (self._dataset('train_dataloader')
                + self._dataset('memory_init_dataloader'))
        # the transform that reads the store (found by type in ``config``,
        # default the warm-up's): keys relative to the root
        loaders = (('train_dataloader', 'memory_init_dataloader')
                   if self.task == 'det' else ('train_dataloader', ))
        values = {}
        if self.root and self.task != 'det':        # det keys: file names
            values['key_root'] = self.root
        if role == 'target_store':
            values['store'] = self.store
        for loader in loaders if values else ():
            opts += step_options(config or self.configs['warmup'], loader,
                                 'store', required=True, **values)
        return opts

    def options(self, method: str) -> List[str]:
        """The recipe's options, then the suite's (sizes, no pretrained,
        --cfg-options), then the method's own (--method-options)."""
        base, extra = self.variants.get(method, (method, []))
        role = {'black_box': 'source', 'oracle': 'oracle'}.get(
            base, 'target_store')
        return ([f'randomness.seed={self.seed}'] + self.data_options('eval')
                + self.data_options(role, self.config(method)) + list(extra)
                + self.suite_options(self.config(method))
                + list(self.method_options.get(method, [])))

    def suite_options(self, config: str) -> List[str]:
        """What :class:`SuiteOptions` adds to ``config``'s stages."""
        opts = paper_options.size_options(config, self.suite.image_scale)
        if not self.suite.pretrained:
            opts += paper_options.no_pretrained_options(config)
        return opts + paper_options.applicable(config,
                                               self.suite.cfg_options)

    # --- stages ---------------------------------------------------------
    def budget(self, method: str) -> int:
        return self.iters or schedule_of(
            self.config(method), self.options(method)).length

    def train(self, method: str, extra: List[str] = (), iters: int = None,
              name: str = None) -> str:
        name = name or method
        config, work_dir = self.config(method), self.path(name)
        options = self.options(method) + list(extra)
        schedule = schedule_of(config, options)
        iters = iters or self.iters
        if schedule.by_epoch:     # det oracle: mmdet's epoch recipe
            checkpoint = f'epoch_{schedule.length}.pth'
            if iters:
                print(f'    {self.label(name)}: {config} trains by epoch '
                      f'({schedule.length}); --iters does not apply')
        elif iters:
            checkpoint = f'iter_{iters}.pth'
            options += scaled_iteration_options(schedule, iters)
        else:
            checkpoint = f'iter_{schedule.length}.pth'
        return self.runner.train(config, work_dir, options,
                            self.path('logs', f'train_{name}.log'),
                            iters or schedule.length,
                            self.label(f'train {name}'), self.env(),
                            checkpoint=checkpoint,
                            args=self._resume(work_dir, checkpoint))

    @staticmethod
    def _resume(work_dir: str, checkpoint: str) -> List[str]:
        """``--resume LAST`` when an interrupted run left a checkpoint
        (paper-scale stages take hours); the finished one is skipped."""
        last = osp.join(work_dir, 'last_checkpoint')
        if osp.isfile(osp.join(work_dir, checkpoint)) or not osp.isfile(last):
            return []
        with open(last) as f:
            path = f.read().strip()
        return ['--resume', path] if path and osp.isfile(path) else []

    def black_box(self) -> Optional[str]:
        """The given black box's checkpoint (None with a store)."""
        return self.blackbox.checkpoint

    def predict_store(self, bb_ckpt: Optional[str]) -> None:
        if self.blackbox.store:          # given: checked in black_box_for
            return
        with _store_lock(self.store):
            self.runner.run_tool(
                'predict_blackbox.py', self.predict_command(bb_ckpt),
                self.path('logs', 'predict_blackbox.log'),
                osp.join(self.store, 'manifest.json'),
                self.label('black-box predictions'), self.env())

    def predict_command(self, bb_ckpt: Optional[str]) -> List[str]:
        """tools/predict_blackbox.py's arguments: the target images of the
        warm-up config (the suite's options, keys relative to the dataset
        root as training looks them up), the black box (its model with its
        own options, or the callable)."""
        warmup = self.configs['warmup']
        target = (self.data_options('target')
                  + self.suite_options(warmup))
        args = [warmup, '--task', self.task, '--out', self.store]
        if self.blackbox.callable:
            args += ['--callable', self.blackbox.callable]
        else:
            model = self.configs['black_box']
            args += ['--model', model, '--checkpoint', bb_ckpt]
            model_opts = (self.suite_options(model)
                          + list(self.method_options.get('black_box', [])))
            if model_opts:
                args += ['--model-cfg-options'] + model_opts
        if self.root and self.task != 'det':     # det keys: file names
            args += ['--key-root', self.root]
        return (args + list(self.predict_args)
                + (['--cfg-options'] + target if target else []))

    def metric_value(self, metrics: dict) -> float:
        key = self.metric[1]
        if key not in metrics:
            raise stages.StageError(
                f'{self.bench.name}: tools/test.py reported no {key!r} '
                f'(metrics: {", ".join(metrics)}); the config\'s evaluator '
                f'must report it')
        value = metrics[key]
        if isinstance(value, list):       # per-class numbers: their mean
            value = sum(value) / len(value)
        return self.metric_scale * float(value)
