"""Run the BiMem benchmark: every task x method through the real tools.

    # the embedded default (pip-installed digits): every task and method,
    # seeds 0,1,2 (about 35 minutes on 2 CPU cores; --seeds 0: one)
    python tools/benchmark.py --suite demo --out work_dirs/demo
    # any image-classification pair (RGB, any size and class count; seg
    # and det: digit pairs; see docs/classification.md)
    python tools/benchmark.py --pair SRC.npz:TGT.npz --out work_dirs/pair
    # the development pairs USPS <-> MNIST (needs the .npz files)
    python tools/benchmark.py --suite digits --data-dir ../shared/data/digits
    # paper scale (GPU, the real datasets), from a given black box: its
    # model (checkpoint [+ config]) or a store from tools/predict_blackbox.py
    python tools/benchmark.py --suite paper --list
    python tools/benchmark.py --suite paper --benchmark gta5->cityscapes \
        --blackbox-checkpoint BB.pth --data-root data --out work_dirs/paper
    # any suite: print every stage's command line instead of running it
    python tools/benchmark.py --suite paper --benchmark office31/a2w \
        --blackbox-store STORE --dry-run
    # the paper chain on miniature data (tools/make_miniature_data.py),
    # small from the command line: what tests/paper runs
    python tools/benchmark.py --suite paper --benchmark office31/a2w \
        --data-root data_mini --blackbox-callable \
        bimem_mm.datasets.miniature.blackbox:classify_office31 \
        --iters 2 --image-scale 0.125 --no-pretrained \
        --cfg-options train_dataloader.batch_size=2

Each stage (black box training, its predictions on the target set,
warm-up, long-term memory initialisation, BiMem, evaluation) runs the
same command a user would (tools/*.py) with logs in ``OUT/<task>/<pair>/
seed<k>/logs``; a stage whose output exists from the same command line
(and the same inputs) is skipped on a rerun ("skipped (done)"), one whose
command changed runs again. Writes
``OUT/results.csv`` (task, pair, method, metric, value, seed, config),
``OUT/results.md``, ``OUT/results.png`` and, per memory run, a memory
behaviour plot ``OUT/<task>/<pair>/seed<k>/memory_<method>.png``, and
prints the table. Target labels are read only by the evaluation (and, with
``--analysis``, by the pseudo-label accuracy logging); every reported model
is the last iterate. In ``--suite paper`` the black box is never trained
(it is given), every stage trains for its config's own iterations unless
``--iters`` is set, and the black-box predictions are made once per
benchmark (``OUT/<task>/<benchmark>/blackbox_store``, shared by the seeds);
an interrupted training stage resumes from its last checkpoint.

Every stage runs with ``--threads`` CPU threads (default 1, replacing the
environment's OMP_NUM_THREADS), so the numbers depend on the command line,
not on the machine's core count or ``--jobs`` (docs/benchmark.md).
"""
import argparse
import os
import os.path as osp
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from bimem_mm.benchmark import paper, plots, report, stages  # noqa: E402
from bimem_mm.benchmark.image_pair import PairError, describe  # noqa: E402
from bimem_mm.benchmark.paper_options import split_options  # noqa: E402
from bimem_mm.benchmark.tasks import RECIPES  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    src = parser.add_mutually_exclusive_group()
    src.add_argument('--suite', choices=['demo', 'digits', 'paper'],
                     help='demo: embedded pip data; digits: USPS <-> MNIST; '
                     'paper: the paper datasets from a given black box '
                     '(--benchmark)')
    src.add_argument('--pair', action='append',
                     help='SRC.npz:TGT.npz (repeatable)')
    parser.add_argument('--out', default='work_dirs/benchmark')
    parser.add_argument('--tasks', default=','.join(RECIPES),
                        help='comma-separated subset of: '
                        + ','.join(RECIPES) + ' (digit suites; the paper '
                        "suite runs each --benchmark's task)")
    parser.add_argument('--methods', default=None,
                        help='comma-separated (default: all of the task)')
    parser.add_argument('--seeds', default=None,
                        help='comma-separated seeds (default: 0,1,2 in '
                        '--suite demo, else 0); the table shows mean ± std')
    parser.add_argument('--data-dir', default='../shared/data/digits',
                        help='folder of usps.npz and mnist.npz '
                        '(--suite digits)')
    parser.add_argument('--jobs', type=int, default=None,
                        help='task x pair x seed runs in parallel (default: '
                        'CPU count // --threads in --suite demo, else 1); '
                        'the numbers do not depend on it')
    parser.add_argument('--threads', type=int, default=1,
                        help='CPU threads of every stage (OMP_NUM_THREADS, '
                        "replacing the environment's; default 1): the "
                        'numbers depend on it, not on the machine or '
                        '--jobs')
    parser.add_argument('--iters', type=int, default=None,
                        help='training iterations of every stage (default: '
                        "each task's, fewer in --suite demo)")
    parser.add_argument('--stage-iters', action='append', default=[],
                        metavar='STAGE=FACTOR',
                        help="train one stage FACTOR times --iters, e.g. "
                        "warmup=2 (every method starts from that warm-up; "
                        "default: each recipe's stage_iters); digit suites")
    parser.add_argument('--method-options', action='append', default=[],
                        metavar='METHOD:KEY=VAL[,KEY=VAL]',
                        help='extra --cfg-options for one method, e.g. '
                        'bimem:model.refiner.temperature=10')
    image = parser.add_argument_group(
        'image pairs (--pair, classification)', 'read from the files by '
        'default: channels 3 if either file is RGB, side 16 for digit-sized '
        "files (<= 28x28), else the source's, classes from the source's "
        'labels (or its "classes" array)')
    image.add_argument('--channels', type=int, choices=(1, 3), default=None,
                       help='1 (grey) or 3 (RGB) channels for the models')
    image.add_argument('--image-size', type=int, default=None,
                       help='side of the square images the models see')
    image.add_argument('--num-classes', type=int, default=None,
                       help='class count (labels 0..C-1)')
    parser.add_argument('--dry-run', action='store_true',
                        help="print every stage's command line (run from "
                        'the checkout) instead of running it; nothing is '
                        'written (the digit suites still read their .npz '
                        'files)')
    paper_args = parser.add_argument_group(
        '--suite paper', 'a black box per benchmark: --blackbox-checkpoint '
        '(+ --blackbox-config) or --blackbox-store. These flags take PATH '
        '(every --benchmark) or NAME=PATH (one of them), repeatable.')
    paper_args.add_argument('--benchmark', action='append', default=[],
                            help='a paper benchmark, e.g. office31/a2w, '
                            'gta5->cityscapes (repeatable; --list)')
    paper_args.add_argument('--list', action='store_true',
                            help='list the paper benchmarks and exit')
    paper_args.add_argument('--blackbox-config', action='append',
                            default=[], metavar='[NAME=]CONFIG',
                            help="the black box's model config (default: "
                            "the benchmark's blackbox_* config)")
    paper_args.add_argument('--blackbox-checkpoint', action='append',
                            default=[], metavar='[NAME=]CKPT',
                            help="the black box's weights: its predictions "
                            'on the target images are made here, and '
                            'black_box is evaluated')
    paper_args.add_argument('--blackbox-store', action='append', default=[],
                            metavar='[NAME=]DIR',
                            help='an existing prediction store '
                            '(tools/predict_blackbox.py; must hold '
                            'manifest.json)')
    paper_args.add_argument('--blackbox-callable', action='append',
                            default=[], metavar='[NAME=]MODULE:FUNCTION',
                            help='a Python callable as the black box '
                            '(tools/predict_blackbox.py --callable), e.g. '
                            'a remote API client')
    paper_args.add_argument('--cfg-options', nargs='+', default=[],
                            metavar='KEY=VALUE',
                            help="every stage's config, both sides of the "
                            "predictions and the black box's test, e.g. "
                            'train_dataloader.batch_size=2 (one method: '
                            '--method-options)')
    paper_args.add_argument('--image-scale', type=float, default=1.0,
                            help='multiply every image size (resize scales, '
                            "crops) of every stage's pipelines, e.g. 0.0625 "
                            'for smoke runs on small images (default 1)')
    paper_args.add_argument('--no-pretrained', action='store_true',
                            help='initialise the target models at random '
                            'instead of the ImageNet weights the configs '
                            'name (smoke runs; default: the weights are '
                            'checked, and fetched, before anything runs)')
    paper_args.add_argument('--data-root', default=None,
                            help='the folder holding the datasets as the '
                            "configs' data/ does (office31, office_home, "
                            'visda2017, cityscapes, foggy_cityscapes; '
                            "default: the configs' data/ in the checkout)")
    paper_args.add_argument('--gpus', type=int, default=1,
                            help='processes (GPUs) per training and test '
                            'stage, through torch.distributed.run (the det '
                            'configs assume a batch of 4 GPUs x 2 images)')
    parser.add_argument('--analysis', action=argparse.BooleanOptionalAction,
                        default=None,
                        help='log pseudo-label accuracy on the training set '
                        'for the memory plots (reads target training labels '
                        'for logging only, never in a loss; default: on in '
                        '--suite demo, else off)')
    args = parser.parse_args(argv)
    args.task_list = [t.strip() for t in args.tasks.split(',') if t.strip()]
    if not args.task_list:
        parser.error(f'--tasks {args.tasks!r}: no task; choose from '
                     f'{",".join(RECIPES)}')
    unknown = [t for t in args.task_list if t not in RECIPES]
    if unknown:
        parser.error(f'--tasks: unknown {", ".join(unknown)}; choose from '
                     f'{",".join(RECIPES)}')
    if args.seeds is None:
        demo = args.suite == 'demo' or (args.suite is None and not args.pair
                                        and not args.benchmark
                                        and not args.list)
        args.seeds = '0,1,2' if demo else '0'
    try:
        args.seed_list = [int(s) for s in args.seeds.split(',')]
    except ValueError:
        parser.error(f'--seeds {args.seeds!r}: expected comma-separated '
                     'integers, e.g. 0,1,2')
    try:
        args.method_opts = method_options(args.method_options)
    except ValueError as err:
        parser.error(str(err))
    if args.iters is not None and args.iters < 1:
        parser.error('--iters must be >= 1')
    try:
        args.stage_factors = stage_factors(args.stage_iters)
    except ValueError as err:
        parser.error(str(err))
    if not args.image_scale > 0:
        parser.error('--image-scale must be > 0')
    for opt in args.cfg_options:
        key, sep, _ = opt.partition('=')
        if not sep:
            parser.error(f'--cfg-options {opt}: expected KEY=VALUE')
        if key in ('data_root', 'target_root'):
            parser.error(f'--cfg-options {opt}: a top-level {key} does not '
                         "reach the loaders (the configs resolve it when "
                         'they are read); use --data-root DIR')
    if args.suite is None and not args.pair:
        args.suite = 'paper' if args.benchmark or args.list else 'demo'
    paper_only = [flag for flag, value in (
        ('--benchmark', args.benchmark),
        ('--blackbox-config', args.blackbox_config),
        ('--blackbox-checkpoint', args.blackbox_checkpoint),
        ('--blackbox-store', args.blackbox_store),
        ('--data-root', args.data_root), ('--gpus', args.gpus != 1),
        ('--blackbox-callable', args.blackbox_callable),
        ('--cfg-options', args.cfg_options),
        ('--image-scale', args.image_scale != 1.0),
        ('--no-pretrained', args.no_pretrained))
        if value]
    args.image_format = dict(channels=args.channels, size=args.image_size,
                             num_classes=args.num_classes)
    image_flags = [flag for flag, key in (('--channels', 'channels'),
                                          ('--image-size', 'size'),
                                          ('--num-classes', 'num_classes'))
                   if args.image_format[key] is not None]
    if args.suite == 'paper' and image_flags:
        parser.error(f'{", ".join(image_flags)}: only with the digit suites '
                     'and --pair (the paper configs fix their images)')
    if args.suite == 'paper' and args.stage_iters:
        parser.error('--stage-iters: only with the digit suites and --pair '
                     '(use --iters or the configs with --suite paper)')
    if args.suite != 'paper' and paper_only:
        parser.error(f'{", ".join(paper_only)}: only with --suite paper')
    if args.suite == 'paper' and args.analysis:
        parser.error('--analysis (pseudo-label accuracy logging) is '
                     'implemented for the digit suites only')
    if args.gpus < 1:
        parser.error('--gpus must be >= 1')
    if args.threads < 1:
        parser.error('--threads must be >= 1')
    if args.jobs is not None and args.jobs < 1:
        parser.error('--jobs must be >= 1')
    if args.analysis is None:
        args.analysis = args.suite == 'demo'
    if args.jobs is None:
        args.jobs = (max(1, (os.cpu_count() or 1) // args.threads)
                     if args.suite == 'demo' else 1)
    return args


def stage_factors(specs):
    """['warmup=2'] -> {'warmup': 2.0} (a positive factor per stage)."""
    out = {}
    for spec in specs:
        stage, sep, value = spec.partition('=')
        try:
            factor = float(value)
        except ValueError:
            factor = float('nan')
        if not sep or not stage or not factor > 0:
            raise ValueError(f'--stage-iters {spec}: expected STAGE=FACTOR '
                             'with a factor > 0, e.g. warmup=2')
        out[stage] = factor
    return out


def method_options(specs):
    """['bimem:a=1,b=(2,3)'] -> {'bimem': ['a=1', 'b=(2,3)']} (commas
    inside brackets and quotes belong to the value)."""
    out = {}
    for spec in specs:
        method, sep, opts = spec.partition(':')
        try:
            items = split_options(opts)
        except ValueError as err:
            raise ValueError(f'--method-options {spec}: {err}') from None
        if not sep or not items or any('=' not in o for o in items):
            raise ValueError(f'--method-options {spec}: expected '
                             'METHOD:KEY=VAL[,KEY=VAL]')
        out.setdefault(method, []).extend(items)
    return out


def pairs_of(args):
    """[(pair name, source npz, target npz)] of the chosen suite."""
    if args.pair:
        out = []
        for spec in args.pair:
            source, sep, target = spec.partition(':')
            if not sep or not osp.isfile(source) or not osp.isfile(target):
                raise SystemExit(f'--pair {spec}: expected two existing '
                                 '.npz files as SRC.npz:TGT.npz')
            name = (f'{osp.splitext(osp.basename(source))[0]}->'
                    f'{osp.splitext(osp.basename(target))[0]}')
            out.append((name, osp.abspath(source), osp.abspath(target)))
        return out
    if args.suite == 'demo':
        from bimem_mm.datasets.digits_data import make_embedded_digits
        paths = make_embedded_digits(osp.join(args.out, 'data'))
        return [('sklearn_digits->mnist', paths['source'],
                 paths['target'])]
    usps = osp.join(args.data_dir, 'usps.npz')
    mnist = osp.join(args.data_dir, 'mnist.npz')
    for path in (usps, mnist):
        if not osp.isfile(path):
            raise SystemExit(f'{path} not found (--data-dir)')
    return [('usps->mnist', usps, mnist), ('mnist->usps', mnist, usps)]


def plot_memories(recipe, methods, task, pair, seed):
    """A memory-behaviour plot for each method that trained with the
    memories; returns the paths written."""
    out = []
    for method in methods:
        if method in ('black_box', 'warmup', 'oracle') + recipe.no_memory:
            continue
        scalars = plots.find_scalars(recipe.path(method))
        if scalars is None:
            continue
        path = recipe.path(f'memory_{method}.png')
        plots.plot_memory(scalars, path, f'{task} {pair} seed {seed}: '
                          f'{method}')
        out.append(path)
    return out


def units_of(args, tasks, seeds):
    """(task, pair, source, target, seed) in running order: the longest
    task (detection) first, so parallel jobs finish together."""
    if args.suite == 'paper':
        return [(paper.get(name).task, name, None, None, seed)
                for name in args.benchmark for seed in seeds]
    order = sorted(tasks, key=lambda t: ('det', 'seg', 'cls').index(t)
                   if t in ('det', 'seg', 'cls') else 3)
    return [(task, pair, source, target, seed) for task in order
            for pair, source, target in pairs_of(args) for seed in seeds]


def paper_black_boxes(args):
    """{benchmark: paper.BlackBox}, checked (--suite paper)."""
    names = args.benchmark
    if not names:
        raise paper.PaperSetupError(
            '--suite paper needs --benchmark NAME (repeatable); known: '
            f'{", ".join(paper.BENCHMARKS)}')
    for name in names:
        paper.get(name)
    configs, ckpts, stores, callables = (
        paper.per_benchmark(specs, names, flag) for specs, flag in (
            (args.blackbox_config, '--blackbox-config'),
            (args.blackbox_checkpoint, '--blackbox-checkpoint'),
            (args.blackbox_store, '--blackbox-store'),
            (args.blackbox_callable, '--blackbox-callable')))
    return {name: paper.black_box_for(paper.get(name), configs.get(name),
                                      ckpts.get(name), stores.get(name),
                                      args.dry_run, callables.get(name))
            for name in names}


def paper_recipe(args, name, seed, threads=None, runner=None):
    """The PaperRecipe of one benchmark and seed, and its methods."""
    bench = paper.get(name)
    out = osp.join(osp.abspath(args.out), bench.task,
                   name.replace('->', '_to_'), f'seed{seed}')
    suite = paper.SuiteOptions(tuple(args.cfg_options), args.image_scale,
                               not args.no_pretrained)
    recipe = paper.PaperRecipe(bench, out, seed, args.iters,
                               args.method_opts, False, threads,
                               args.black_boxes[name], args.data_root, suite,
                               runner)
    methods = (args.methods.split(',') if args.methods else
               recipe.default_methods())
    return recipe, methods


def check_paper(args, seeds):
    """Stop with a message before anything runs if a benchmark cannot."""
    try:
        args.black_boxes = paper_black_boxes(args)
        for name in args.benchmark:
            recipe, methods = paper_recipe(args, name, seeds[0])
            recipe.check(methods, args.dry_run)
    except paper.PaperSetupError as err:
        raise SystemExit(str(err))


def check_pairs(args, units):
    """Stop with the message before anything runs if a task cannot run a
    pair (bad files, a class count mismatch, a scene task on photos)."""
    for task, pair, source, target in dict.fromkeys(u[:4] for u in units):
        try:
            fmt = RECIPES[task].check_pair(source, target, args.image_format)
        except PairError as err:
            raise SystemExit(f'--pair {pair}: {err}')
        if task == 'cls' and not args.dry_run:
            print(f'cls {pair}: {describe(fmt)}', flush=True)


def run_unit(args, unit, threads, tagged=False, runner=None):
    """One task x pair x seed: its recipe and {method: metric}; ``tagged``
    progress lines name the pair and seed (parallel runs)."""
    task, pair, source, target, seed = unit
    tag = f'{task} {pair} s{seed}' if tagged else ''
    if args.suite == 'paper':
        recipe, methods = paper_recipe(args, pair, seed, threads, runner)
        recipe.name = tag
        budget = (f'{args.iters} iterations a stage' if args.iters else
                  "each config's own iterations")
        print(f'{task} {pair} seed {seed}: {", ".join(methods)} ({budget})',
              flush=True)
        return recipe, recipe.run(methods)
    recipe_cls = RECIPES[task]
    methods = (args.methods.split(',') if args.methods else
               list(recipe_cls.methods))
    iters = args.iters or (recipe_cls.demo_iters if args.suite == 'demo'
                           else recipe_cls.default_iters)
    out = osp.join(args.out, task, pair.replace('->', '2'), f'seed{seed}')
    print(f'{task} {pair} seed {seed}: {", ".join(methods)} '
          f'({iters} iterations a stage)', flush=True)
    recipe = recipe_cls(source, target, out, seed, iters, args.method_opts,
                        args.analysis, threads,
                        image_format=args.image_format, runner=runner,
                        stage_iters=args.stage_factors)
    recipe.name = tag
    return recipe, recipe.run(methods)


def main(argv=None):
    args = parse_args(argv)
    if args.list:
        print(paper.listing())
        return
    tasks, seeds = args.task_list, args.seed_list
    if args.suite == 'paper':
        check_paper(args, seeds)
    units = units_of(args, tasks, seeds)
    if args.suite != 'paper':
        check_pairs(args, units)
    jobs = max(1, min(args.jobs or 1, len(units)))
    if args.dry_run:
        jobs = 1
        print(f'# dry run: the commands of every stage, run from '
              f'{stages.REPO}', flush=True)
    if args.gpus > 1 and jobs > 1:
        raise SystemExit('--gpus > 1 runs one stage at a time: use --jobs 1')
    # every stage runs with --threads CPU threads, whatever the machine,
    # --jobs or the environment say, so that the numbers do not move
    threads = args.threads
    user = os.environ.get('OMP_NUM_THREADS')
    if user is not None and user != str(threads) and not args.dry_run:
        print(f'note: the stages run with {threads} thread(s) (--threads), '
              f'not OMP_NUM_THREADS={user} from the environment', flush=True)
    # how the stages run; parallel jobs print their progress line by line
    runner = stages.StageRunner(args.dry_run, args.gpus,
                                sys.stdout.isatty() and jobs == 1)
    csv_path = osp.join(args.out, 'results.csv')
    rows = report.read_rows(csv_path)
    start = time.time()
    with ThreadPoolExecutor(jobs) as pool:
        futures = {pool.submit(run_unit, args, unit, threads, jobs > 1,
                               runner):
                   unit for unit in units}
        for future in as_completed(futures):
            task, pair, _, _, seed = futures[future]
            try:
                recipe, results = future.result()
            except stages.StageError as err:
                for other in futures:
                    other.cancel()
                raise SystemExit(f'benchmark stopped: {err}')
            if args.dry_run:         # nothing ran: no numbers, no files
                continue
            print(f'[{time.time() - start:6.0f}s] {task} {pair} seed {seed}:',
                  flush=True)
            for method, value in results.items():
                rows = report.upsert(rows, dict(
                    task=task, pair=pair, method=method,
                    metric=recipe.metric[0], value=f'{value:.2f}',
                    seed=seed, config=recipe.config(method),
                    options=recipe.row_options(method)))
                print(f'  {method:>14s} {recipe.metric[0]} {value:.2f}')
            report.write_rows(csv_path, rows)
            plot_memories(recipe, results, task, pair, seed)
    if args.dry_run:
        print('# dry run: nothing was run or written')
        return
    table = report.pivot_markdown(rows)
    report.write_atomic(osp.join(args.out, 'results.md'),
                        table + '\n' + report.markdown(rows))
    plots.plot_results(rows, osp.join(args.out, 'results.png'))
    timings = report.timings_markdown(args.out)
    report.write_atomic(osp.join(args.out, 'timings.md'), timings)
    print(f'\n{table}\nresults: {csv_path}, results.md, results.png, '
          f'timings.md ({time.time() - start:.0f}s)')


if __name__ == '__main__':
    main()
