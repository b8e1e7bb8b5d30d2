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
black box may also be a Python callable (``--blackbox-callable``).
"""
import functools
import os.path as osp
import threading
import warnings
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from . import paper_options, stages
from .recipe import Recipe

ADAPT_METHODS = ('warmup', 'dine', 'bimem', 'bimem_no_short',
                 'bimem_no_long', 'bimem_plus')


@dataclass(frozen=True)
class Benchmark:
    """One paper benchmark: a (source, target) pair and its configs.

    Attributes:
        name: e.g. ``'office31/a2w'``, ``'gta5->cityscapes'``.
        task: ``'cls'``, ``'seg'`` or ``'det'``.
        configs: method -> config path (relative to the checkout);
            ``black_box`` is the default black-box model config.
        metric: (name, key in tools/test.py's metrics); a list-valued key
            (per-class numbers) is averaged.
        num_classes: classes of the target model (checked against a store).
        dataset: folder of the target dataset under the data root.
        target_prefix: classification: ``data_prefix`` of the target domain
            (how the pair is chosen).
        predict_args: tools/predict_blackbox.py arguments.
        metric_scale: e.g. 100 for metrics reported in [0, 1].
        note: one line for ``--list``.
    """
    name: str
    task: str
    configs: Dict[str, str]
    metric: Tuple[str, str]
    num_classes: int
    dataset: str
    target_prefix: str = ''
    predict_args: Tuple[str, ...] = ()
    metric_scale: float = 1.0
    note: str = ''
    methods: Tuple[str, ...] = field(init=False)

    def __post_init__(self):
        methods = ('black_box', ) + ADAPT_METHODS
        if 'oracle' in self.configs:
            methods += ('oracle', )
        object.__setattr__(self, 'methods', methods)


def _cls(dataset: str, folder: str, net: str, num_classes: int,
         pairs: Dict[str, Tuple[str, str]], metric=('top1', 'accuracy/top1'),
         note: str = '') -> Dict[str, Benchmark]:
    root = f'configs/cls/{dataset}'
    configs = {m: f'{root}/{m}_{net}_{dataset}.py'
               for m in ('warmup', 'dine', 'bimem', 'bimem_plus')}
    configs['black_box'] = f'{root}/blackbox_{net}_{dataset}.py'
    return {f'{dataset}/{pair}': Benchmark(
        f'{dataset}/{pair}', 'cls', configs, metric, num_classes, folder,
        target_prefix=prefix, predict_args=('--mode', 'topk', '--k', '5'),
        note=note or f'{source} -> {target}')
        for pair, (source, target, prefix) in pairs.items()}


def _domain_pairs(domains: Dict[str, str], suffix: str = ''):
    """{'a2w': ('amazon', 'webcam', 'webcam/images'), ...}: every ordered
    pair of domains, with the target's ``data_prefix``."""
    return {f'{s}2{t}': (domains[s], domains[t], f'{domains[t]}{suffix}')
            for s in domains for t in domains if s != t}


OFFICE31 = {'a': 'amazon', 'd': 'dslr', 'w': 'webcam'}
OFFICEHOME = {'ar': 'Art', 'cl': 'Clipart', 'pr': 'Product',
              'rw': 'Real_World'}
# seg: top-3 per pixel at 1/4 resolution, where the units live
# (docs/segmentation.md, "Store size")
SEG_PREDICT = ('--mode', 'topk', '--k', '3', '--downscale', '4')


def _seg(source: str, folder: str, num_classes: int, metric,
         note: str) -> Benchmark:
    root = f'configs/seg/{source}_to_cityscapes'
    configs = {m: f'{root}/{m}_deeplabv2_r101_{source}.py'
               for m in ('warmup', 'dine', 'bimem', 'bimem_plus')}
    configs['black_box'] = f'{root}/blackbox_deeplabv2_r101_{source}.py'
    return Benchmark(f'{source}->cityscapes', 'seg', configs, metric,
                     num_classes, folder, predict_args=SEG_PREDICT,
                     note=note)


BENCHMARKS: Dict[str, Benchmark] = {
    **_cls('office31', 'office31', 'resnet50', 31,
           _domain_pairs(OFFICE31, '/images')),
    **_cls('officehome', 'office_home', 'resnet50', 65,
           _domain_pairs(OFFICEHOME)),
    # the VisDA protocol reports the mean of the 12 per-class accuracies
    **_cls('visda2017', 'visda2017', 'resnet101', 12,
           {'syn2real': ('train', 'validation', 'validation')},
           metric=('mean_class_acc', 'single-label/recall_classwise'),
           note='train (synthetic) -> validation (real), mean class '
           'accuracy'),
    'gta5->cityscapes': _seg('gta5', 'cityscapes', 19, ('mIoU', 'mIoU'),
                             'GTA5 -> Cityscapes val, 19 classes'),
    # mIoU over the 16 classes; the 13-class mIoU13 is in the same
    # metrics.json (<out>/.../<method>/test/metrics.json)
    'synthia->cityscapes': _seg('synthia', 'cityscapes', 16,
                                ('mIoU16', 'mIoU'),
                                'SYNTHIA -> Cityscapes val, 16 classes '
                                '(mIoU13 in metrics.json)'),
    'cityscapes->foggy': Benchmark(
        'cityscapes->foggy', 'det', {
            'black_box': 'configs/det/cityscapes_foggy/'
            'source_only_cityscapes.py',
            'warmup': 'configs/det/cityscapes_foggy/warmup_foggy.py',
            'dine': 'configs/det/cityscapes_foggy/dine_foggy.py',
            'bimem': 'configs/det/cityscapes_foggy/bimem_foggy.py',
            'bimem_plus': 'configs/det/cityscapes_foggy/bimem_plus_foggy.py',
            'oracle': 'configs/det/cityscapes_foggy/oracle_foggy.py'},
        ('mAP50', 'pascal_voc/mAP'), 8, 'foggy_cityscapes',
        predict_args=('--batch-size', '4'), metric_scale=100.0,
        note='Cityscapes -> Foggy Cityscapes (beta 0.02) val, mAP@0.5'),
}


class PaperSetupError(ValueError):
    """A paper benchmark cannot run as asked (the message says why)."""


def get(name: str) -> Benchmark:
    """The benchmark ``name``; the error lists the known ones."""
    if name not in BENCHMARKS:
        raise PaperSetupError(f'unknown paper benchmark {name!r}; known: '
                              f'{", ".join(BENCHMARKS)}')
    return BENCHMARKS[name]


def listing() -> str:
    """The table printed by ``tools/benchmark.py --list``."""
    lines = [f'{"benchmark":<22s} {"task":<4s} {"metric":<14s} methods '
             '(configs: --suite paper --dry-run)']
    for b in BENCHMARKS.values():
        lines.append(f'{b.name:<22s} {b.task:<4s} {b.metric[0]:<14s} '
                     f'{",".join(b.methods)}')
        lines.append(f'{"":<22s} {b.note}; data: <data-root>/{b.dataset}')
    return '\n'.join(lines)


def per_benchmark(specs: Sequence[str], names: Sequence[str],
                  flag: str) -> Dict[str, str]:
    """``[NAME=]VALUE`` specs -> {benchmark: value}: a bare value applies
    to every benchmark in ``names`` that no ``NAME=`` spec names."""
    bare, named = [], {}
    for spec in specs or ():
        name, sep, value = spec.partition('=')
        if sep and name in BENCHMARKS:
            if name not in names:
                raise PaperSetupError(f'{flag} {spec}: {name} is not one of '
                                      f'the --benchmark names {list(names)}')
            named[name] = value
        else:
            bare.append(spec)
    if len(bare) > 1:
        raise PaperSetupError(f'{flag}: {len(bare)} values without NAME=; '
                              'give one for all benchmarks, or NAME=VALUE')
    return {**{n: bare[0] for n in names if bare}, **named}


@dataclass
class BlackBox:
    """The given black box: a model (config + checkpoint), a Python
    callable (``module:function``, tools/predict_blackbox.py --callable) or
    a store."""
    config: Optional[str] = None
    checkpoint: Optional[str] = None
    store: Optional[str] = None
    callable: Optional[str] = None


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


def check_store(path: str, bench: Benchmark) -> None:
    """A complete prediction store of ``bench``'s task and classes."""
    manifest = osp.join(path, 'manifest.json')
    if not osp.isfile(manifest):
        raise PaperSetupError(
            f'--blackbox-store {path}: {manifest} not found; a store is the '
            'folder tools/predict_blackbox.py writes (manifest.json last, '
            'so a store without it is incomplete)')
    from ..store import PredictionStore, PredictionStoreError
    try:
        store = PredictionStore(path, validate=False)
    except PredictionStoreError as err:
        raise PaperSetupError(f'--blackbox-store {path}: {err}') from None
    if store.task != bench.task or store.num_classes != bench.num_classes:
        raise PaperSetupError(
            f'--blackbox-store {path}: {manifest} holds {store.task} '
            f'predictions over {store.num_classes} classes; {bench.name} '
            f'needs {bench.task} over {bench.num_classes}')


def black_box_for(bench: Benchmark, config: Optional[str],
                  checkpoint: Optional[str], store: Optional[str],
                  dry_run: bool = False,
                  callable_: Optional[str] = None) -> BlackBox:
    """Check the user's black box for ``bench``: a store (complete, of the
    right task), a callable (``module:function``), or a checkpoint
    (existing unless ``dry_run``) with a model config (default: the
    benchmark's black-box config)."""
    if sum(map(bool, (store, checkpoint or config, callable_))) > 1:
        raise PaperSetupError(
            f'{bench.name}: give one black box: --blackbox-store, '
            '--blackbox-callable or --blackbox-checkpoint (with '
            '--blackbox-config)')
    if callable_:
        if ':' not in callable_:
            raise PaperSetupError(f'--blackbox-callable {callable_}: '
                                  'expected module:function')
        return BlackBox(callable=callable_)
    if store:
        store = osp.abspath(store)
        check_store(store, bench)
        return BlackBox(store=store)
    if config and not checkpoint:
        raise PaperSetupError(f'{bench.name}: --blackbox-config {config} '
                              'needs --blackbox-checkpoint')
    if not checkpoint:
        return BlackBox()
    config = config or bench.configs['black_box']
    if not osp.isabs(config) and not osp.isfile(config):
        config = osp.join(stages.REPO, config)      # a checkout config
    if not osp.isfile(config):
        raise PaperSetupError(f'--blackbox-config {config}: no such file')
    checkpoint = osp.abspath(checkpoint)
    if not dry_run and not osp.isfile(checkpoint):
        raise PaperSetupError(f'--blackbox-checkpoint {checkpoint}: no such '
                              'file')
    return BlackBox(config=_relative(config), checkpoint=checkpoint)


def _relative(path: str) -> str:
    """A path inside the checkout relative to it (as the recipes name
    configs), anything else absolute."""
    path = osp.abspath(path)
    rel = osp.relpath(path, stages.REPO)
    return path if rel.startswith('..') else rel


@dataclass(frozen=True)
class Schedule:
    """How long a config trains: iterations, or epochs (``by_epoch``)."""
    by_epoch: bool
    length: int
    schedulers: Tuple[dict, ...]


@functools.lru_cache(maxsize=None)
def _load_schedule(config: str, options: Tuple[str, ...]) -> Schedule:
    from mmengine.config import Config, DictAction
    with warnings.catch_warnings():      # the mm* packages' import noise
        warnings.simplefilter('ignore')
        cfg = Config.fromfile(osp.join(stages.REPO, config),
                              import_custom_modules=False)
    if options:
        cfg.merge_from_dict({k: DictAction._parse_iterable(v) for k, _, v in
                             (o.partition('=') for o in options)})
    loop = cfg.train_cfg
    by_epoch = 'max_epochs' in loop
    length = loop.max_epochs if by_epoch else loop.max_iters
    schedulers = cfg.get('param_scheduler') or []
    if isinstance(schedulers, dict):
        schedulers = [schedulers]
    return Schedule(by_epoch, int(length),
                    tuple(dict(s) for s in schedulers))


def schedule_of(config: str, options: Sequence[str] = ()) -> Schedule:
    """The training schedule of ``config`` after the schedule-related
    ``options`` (``train_cfg.*``, ``param_scheduler*``)."""
    return _load_schedule(config, tuple(
        o for o in options if o.startswith(('train_cfg.', 'param_scheduler'))))


def scaled_iteration_options(schedule: Schedule, n: int) -> List[str]:
    """cfg-options training an iteration-based config for ``n`` iterations
    instead of ``schedule.length``: every scheduler's begin/end and
    milestones scaled by ``n / length`` (warm-up, poly and step decay keep
    their shape), validation and a checkpoint at the end. A scheduler
    keeps at least one iteration (``end > begin``, as MMEngine requires)
    and its milestones stay distinct, however small ``n`` is."""
    scale = n / schedule.length

    def at(x):
        return min(n, int(round(x * scale)))
    opts = [f'train_cfg.max_iters={n}', f'train_cfg.val_interval={n}',
            f'default_hooks.checkpoint.interval={n}']
    for i, s in enumerate(schedule.schedulers):
        begin, end = s.get('begin'), s.get('end')
        if isinstance(begin, int):
            begin = min(at(begin), n - 1)
            opts.append(f'param_scheduler.{i}.begin={begin}')
        if isinstance(end, int):
            end = max(at(end), (begin or 0) + 1)
            opts.append(f'param_scheduler.{i}.end={end}')
        if s.get('milestones'):
            milestones = []
            for m in sorted(s['milestones']):
                m = max(at(m), milestones[-1] + 1 if milestones else 1)
                milestones.append(m)
            opts.append(f'param_scheduler.{i}.milestones='
                        f'[{",".join(str(m) for m in milestones)}]')
    return opts


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
    """
    analysis_methods = ()     # training-set statistics need target labels

    def __init__(self, bench: Benchmark, out: str, seed: int,
                 iters: Optional[int] = None, method_options=None,
                 analysis: bool = False, threads: Optional[int] = None,
                 blackbox: Optional[BlackBox] = None,
                 data_root: Optional[str] = None,
                 suite: Optional[SuiteOptions] = None):
        super().__init__(bench.dataset, bench.target_prefix or bench.dataset,
                         out, seed, iters, method_options, analysis, threads)
        self.bench = bench
        self.iters = iters                    # None: the configs' own
        self.task, self.metric = bench.task, bench.metric
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
            self.check(methods, stages.DRY_RUN)
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

    def data_options(self, role: str) -> List[str]:
        if role == 'eval':
            return (self._dataset('val_dataloader')
                    + self._dataset('test_dataloader'))
        if role == 'source':        # the black box is given, never trained
            return []
        if role == 'oracle':        # det: a RepeatDataset of the labels
            return self._dataset('train_dataloader', 'dataset.dataset')
        opts = (self._dataset('train_dataloader')
                + self._dataset('memory_init_dataloader'))
        # the transform that reads the store: keys relative to the root
        loaders = (('train_dataloader', 'memory_init_dataloader')
                   if self.task == 'det' else ('train_dataloader', ))
        for loader in loaders:
            if self.root and self.task != 'det':    # det keys: file names
                opts.append(f'{loader}.dataset.pipeline.1.key_root='
                            f'{self.root}')
            if role == 'target_store':
                opts.append(f'{loader}.dataset.pipeline.1.store='
                            f'{self.store}')
        return opts

    def options(self, method: str) -> List[str]:
        """The recipe's options, then the suite's (sizes, no pretrained,
        --cfg-options), then the method's own (--method-options)."""
        base, extra = self.variants.get(method, (method, []))
        role = {'black_box': 'source', 'oracle': 'oracle'}.get(
            base, 'target_store')
        return ([f'randomness.seed={self.seed}'] + self.data_options('eval')
                + self.data_options(role) + list(extra)
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
        return stages.train(config, work_dir, options,
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
            stages.run_tool(
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
