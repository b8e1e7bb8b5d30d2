"""The pipeline every task's benchmark runs, stage by stage.

A task recipe subclasses :class:`Recipe` and says only which configs run
each method and which ``--cfg-options`` point them at a pair's data
(:meth:`Recipe.data_options`). Stages: black box training -> its
predictions on the target training set -> warm-up -> (per method) memory
initialisation -> adaptation -> evaluation of the last iterate.
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence

from . import stages
from .paper_schedule import scaled_iteration_options, schedule_of

# where each method starts, per task (the one table; a method not listed
# starts from the warm-up): 'warmup' or 'dine_half' (a DINE model trained
# for a share of the budget, ``Recipe.plus_start_share``: half unless the
# recipe says otherwise; the method gets the rest). bimem_plus's start
# was chosen on USPS <-> MNIST (docs/benchmark.md): the DINE start lost on
# segmentation. Digit and paper recipes read it by their task.
STARTS = {'cls': {'bimem_plus': 'dine_half'},
          'seg': {'bimem_plus': 'warmup'},
          'det': {'bimem_plus': 'dine_half'}}
# ablations: the BiMem config with one memory switched off
VARIANTS = {
    'bimem_no_short': ('bimem', ['model.refiner.use_short=False']),
    'bimem_no_long': ('bimem', ['model.refiner.use_long=False']),
}


def stage_env(threads: int) -> Dict[str, str]:
    """Environment that makes a stage's numbers independent of the core
    count and of ``--jobs`` (not of the CPU's float kernels: see
    docs/benchmark.md, "Reproducible numbers"): ``threads`` CPU threads
    (OMP/MKL, replacing the user's OMP_NUM_THREADS: float reductions split
    over another number of threads sum in another order, and training
    amplifies the difference) and a fixed hash seed (set/dict-of-str
    orders)."""
    n = str(int(threads))
    return {'OMP_NUM_THREADS': n, 'MKL_NUM_THREADS': n,
            'PYTHONHASHSEED': '0'}


class Recipe:
    """Runs a task's methods for one (source, target) pair and seed.

    Subclasses set ``task``, ``configs`` (method -> config path),
    ``methods``, ``metric`` (name, key in the test metrics) and implement
    :meth:`data_options`.
    """
    task = ''
    configs: Dict[str, str] = {}
    methods = ()
    metric = ('', '')
    metric_scale = 1.0            # e.g. 100 for metrics reported in [0, 1]
    variants = VARIANTS
    # what a method starts from (method -> 'warmup' | 'dine_half'): the
    # task's STARTS, copied per recipe (tools/benchmarks/
    # bimem_plus_ablation.py adds its variants). A variant starts as its
    # config method unless listed itself.
    starts: Dict[str, str] = {}
    no_memory = ('dine', )        # trained from the warm-up, no memory pass
    analysis_methods = ()         # bases that support --analysis
    analysis_options: List[str] = []
    predict_args: List[str] = []  # extra tools/predict_blackbox.py args
    threads = 1                   # CPU threads of every stage (see env)
    default_iters = 1000          # iterations of every training stage
    demo_iters = 1000             # the same in ``--suite demo`` (2 CPUs)
    # stage name -> factor of ``iters`` it trains for (e.g. {'warmup': 2.0}:
    # a warm-up twice as long; every method then starts from that one
    # warm-up); a stage not listed trains ``iters``. tools/benchmark.py
    # --stage-iters overrides entries.
    stage_iters: Dict[str, float] = {}
    # share of a DINE-started method's budget (``starts`` 'dine_half')
    # spent in its DINE start; the method trains the rest. 0.5 (the
    # 'dine_half' stage) unless a recipe overrides it; tools/benchmark.py
    # --stage-iters dine_half=SHARE sets it (0 < SHARE < 1). Another share
    # names its own stage (:meth:`dine_start`), so the runs coexist.
    plus_start_share = 0.5

    def __init__(self, source: str, target: str, out: str, seed: int,
                 iters: Optional[int] = None, method_options=None,
                 analysis: bool = False, threads: Optional[int] = None,
                 runner: Optional[stages.StageRunner] = None,
                 stage_iters: Optional[Dict[str, float]] = None):
        self.source, self.target = source, target
        # how the stages run (tools/benchmark.py --dry-run, --gpus)
        self.runner = runner or stages.StageRunner()
        if threads is not None:   # tools/benchmark.py --threads
            self.threads = int(threads)
        self.out, self.seed = out, seed
        self.iters = iters or self.default_iters
        self.store = osp.join(out, 'blackbox_store')
        self.method_options = method_options or {}
        self.analysis = analysis
        self.starts = dict(STARTS.get(self.task, {}))
        self.stage_iters = {**type(self).stage_iters, **(stage_iters or {})}
        self.plus_start_share = float(self.stage_iters.pop(
            'dine_half', type(self).plus_start_share))
        if not 0 < self.plus_start_share < 1:
            raise stages.StageError(
                f'{self.task}: the DINE start (dine_half) takes a share '
                f'0 < s < 1 of the budget, not {self.plus_start_share}')
        known = set(self.configs) | set(self.variants) | {'dine_half'}
        unknown = sorted(set(self.stage_iters) - known)
        if unknown:
            raise stages.StageError(
                f'{self.task}: stage_iters names no stage {unknown}; '
                f'stages: {sorted(known)}')

    def data_options(self, role: str,
                     config: Optional[str] = None) -> List[str]:
        """cfg-options of a data role: ``'eval'`` (target test/val),
        ``'source'`` (labelled source training set), ``'oracle'``
        (labelled target training set), ``'target'`` (unlabelled target
        training set, memory init too) and ``'target_store'`` (the same,
        reading ``self.store``), for ``config`` (the stage's; its pipeline
        steps are found by type; default: the warm-up's)."""
        raise NotImplementedError

    def analysis_options_of(self, config: str) -> List[str]:
        """cfg-options of ``--analysis`` for ``config``."""
        return list(self.analysis_options)

    def format_options(self, method: str) -> List[str]:
        """cfg-options fitting ``method``'s config to the pair's images
        (channels, size, classes); none by default."""
        return []

    # --- cfg-options ----------------------------------------------------
    def iteration_options(self, n: int, config: Optional[str] = None,
                          options: Sequence[str] = ()) -> List[str]:
        """cfg-options training ``config`` (default: the warm-up's, after
        ``options``) for ``n`` iterations: its own LR schedule scaled to
        ``n`` (:func:`~.paper_schedule.scaled_iteration_options`, the one
        schedule helper of every recipe)."""
        return scaled_iteration_options(
            schedule_of(config or self.configs['warmup'], options), n)

    def config(self, method: str) -> str:
        return self.configs[self.variants.get(method, (method, ))[0]]

    def options(self, method: str) -> List[str]:
        base, extra = self.variants.get(method, (method, []))
        role = {'black_box': 'source', 'oracle': 'oracle'}.get(
            base, 'target_store')
        config = self.config(method)
        opts = ([f'randomness.seed={self.seed}'] + self.data_options('eval')
                + self.data_options(role, config)
                + self.format_options(method) + list(extra)
                + list(self.method_options.get(method, [])))
        if self.analysis and base in self.analysis_methods:
            opts += self.analysis_options_of(config)
        return opts

    # --- stages ---------------------------------------------------------
    def path(self, *parts) -> str:
        return osp.join(self.out, *parts)

    def env(self) -> Dict[str, str]:
        """Environment of the stages: :func:`stage_env` of ``threads``."""
        return stage_env(self.threads)

    # what progress lines start with (tools/benchmark.py adds the pair and
    # seed when runs go in parallel)
    name = ''

    def label(self, text: str) -> str:
        return f'{self.name or self.task} {text}'

    def stage_length(self, name: str) -> int:
        """Training iterations of stage ``name``: ``iters`` times its
        ``stage_iters`` factor (at least 1)."""
        return max(1, round(self.iters * self.stage_iters.get(name, 1.0)))

    def train(self, method: str, extra: List[str] = (), iters: int = None,
              name: str = None) -> str:
        name = name or method
        iters = iters or self.stage_length(name)
        config = self.config(method)
        options = self.options(method) + list(extra)
        return self.runner.train(config, self.path(name),
                            options + self.iteration_options(iters, config,
                                                             options),
                            self.path('logs', f'train_{name}.log'), iters,
                            self.label(f'train {name}'), self.env())

    def evaluate(self, method: str, ckpt: str) -> float:
        """The metric of ``ckpt`` (NaN in a dry run)."""
        metrics = self.runner.test(self.config(method), ckpt,
                              self.path(method, 'test'),
                              self.options(method),
                              self.path('logs', f'test_{method}.log'),
                              self.label(f'test {method}'), self.env())
        if metrics is None:       # a dry run
            return float('nan')
        return self.metric_value(metrics)

    def metric_value(self, metrics: dict) -> float:
        """The reported number from tools/test.py's metrics."""
        return self.metric_scale * float(metrics[self.metric[1]])

    def predict_store(self, bb_ckpt: str) -> None:
        opts = self.data_options('target')
        self.runner.run_tool(
            'predict_blackbox.py',
            [self.configs['warmup'], '--task', self.task, '--out',
             self.store, '--model', self.configs['black_box'],
             '--checkpoint', bb_ckpt] + list(self.predict_args)
            + (['--cfg-options'] + opts if opts else []),
            self.path('logs', 'predict_blackbox.log'),
            osp.join(self.store, 'manifest.json'),
            self.label('black-box predictions'), self.env())

    def init_memory(self, method: str, start_ckpt: str) -> str:
        out = self.path(method, 'memory_init.pth')
        self.runner.run_tool(
            'init_memory.py', [self.config(method), start_ckpt, '--out', out,
                               '--cfg-options'] + self.options(method),
            self.path('logs', f'init_memory_{method}.log'), out,
            self.label(f'init memory {method}'), self.env())
        return out

    def run(self, methods) -> Dict[str, float]:
        """Run what ``methods`` need; returns {method: metric}."""
        unknown = [m for m in methods if m not in self.configs
                   and m not in self.variants]
        if unknown:
            raise stages.StageError(f'{self.task}: no method {unknown}; '
                                    f'available: {list(self.methods)}')
        return self._run(methods)

    def black_box(self) -> str:
        """The black box's checkpoint: trained on the source here."""
        return self.train('black_box')

    def start_of(self, method: str) -> str:
        """'warmup' or 'dine_half' (see ``starts``)."""
        if method in self.starts:
            return self.starts[method]
        base = self.variants.get(method, (method, ))[0]
        return self.starts.get(base, 'warmup')

    def budget(self, method: str) -> int:
        """Training iterations of ``method`` (bimem_plus splits them)."""
        return self.iters

    def stage_chain(self, method: str) -> List[str]:
        """The training stages whose lengths ``method``'s number depends
        on, in order ('dine_half' standing for a DINE start of any
        share)."""
        if method in ('black_box', 'oracle'):
            return [method]
        chain = ['black_box', 'warmup']
        if method == 'warmup':
            return chain
        if self.start_of(method) == 'dine_half':
            return chain + ['dine_half']   # it sets the method's length too
        return chain + [method]

    def stage_options(self, method: str) -> List[str]:
        """``--stage-iters STAGE=FACTOR`` of every stage of ``method``'s
        chain trained at other than the recipe's own factor (none for a
        run at the defaults): what results.csv records beside the
        --method-options, so that such a run is not mistaken for, or
        pooled with, the default."""
        own = type(self).stage_iters
        factors = []
        for stage in self.stage_chain(method):
            if stage == 'dine_half':
                if self.plus_start_share != type(self).plus_start_share:
                    factors.append((stage, self.plus_start_share))
            elif self.stage_iters.get(stage, 1.0) != own.get(stage, 1.0):
                factors.append((stage, self.stage_iters.get(stage, 1.0)))
        return [f'--stage-iters {stage}={factor:g}'
                for stage, factor in factors]

    def row_options(self, method: str) -> str:
        """What makes ``method``'s run differ from the defaults, for
        results.csv's ``options``: its --method-options, then its
        :meth:`stage_options` ('' for a default run)."""
        return ' '.join(list(self.method_options.get(method, []))
                        + self.stage_options(method))

    def dine_start(self, method: str):
        """(stage name, its iterations, the method's iterations) of a
        DINE-started ``method``: ``plus_start_share`` of its budget in the
        DINE start, the rest for the method; the stage is 'dine_half' at
        the share 0.5 (each half ``budget // 2``), 'dine_start<percent>'
        otherwise."""
        total, share = self.budget(method), self.plus_start_share
        if share == 0.5:
            return 'dine_half', total // 2, total // 2
        first = max(1, int(total * share + 1e-9))
        return (f'dine_start{share * 100:g}'.replace('.', 'p'), first,
                max(1, total - first))

    def _run(self, methods) -> Dict[str, float]:
        results = {}
        bb = self.black_box()
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
            start, iters = warm, None
            if self.start_of(method) == 'dine_half':
                # from a DINE-style distilled model; the two stages share
                # the iterations of one, so the budget is the same
                name, first, iters = self.dine_start(method)
                start = self.train('dine', [f'load_from={warm}'], first,
                                   name)
            init = start if method in self.no_memory else \
                self.init_memory(method, start)
            ckpt = self.train(method, [f'load_from={init}'], iters)
            results[method] = self.evaluate(method, ckpt)
        if 'oracle' in methods:
            results['oracle'] = self.evaluate('oracle', self.train('oracle'))
        return results
