"""What makes bimem_plus beat DINE: bimem_plus with one change at a time.

    python tools/benchmarks/bimem_plus_ablation.py --data-dir ../shared/data/digits \
        --task cls --out work_dirs/dev

Runs, per development pair (USPS -> MNIST, MNIST -> USPS, or ``--pair``),
the benchmark's stages (the same layout as ``tools/benchmark.py --out``, so
finished stages of a benchmark run in the same ``--out`` are reused):
``dine``, the faithful ``bimem``, ``bimem_plus`` and the variants below,
then prints a markdown table (also ``OUT/bimem_plus_ablation_<task>.md``).
Every variant has the same total iteration budget; all are last iterates.
"""
import argparse
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from bimem_mm.benchmark import report, stages  # noqa: E402
from bimem_mm.benchmark.tasks import RECIPES  # noqa: E402

# name -> (extra cfg-options of bimem_plus, start, what it tests)
ABLATIONS = {
    'plus_im_t10': (['model.adaptive_source=None', 'model.mix_weight=0.0'],
                    'dine_half', 'IM + T=10 only (the first bimem_plus)'),
    'plus_no_adaptive': (['model.adaptive_source=None'], 'dine_half',
                         'calibrate the raw black box'),
    'plus_no_mix': (['model.mix_weight=0.0'], 'dine_half', 'no mixup'),
    'plus_no_im': (['model.im_weight=0.0'], 'dine_half', 'no IM'),
    'plus_im_prior_bb': (['model.im_prior=black_box'], 'dine_half',
                         "IM diverse towards the black box's marginal"),
    'plus_t1': (['model.refiner.temperature=1.0'], 'dine_half',
                'official T = 1'),
    'plus_from_warmup': ([], 'warmup',
                         'from the CE warm-up, full budget (no DINE start)'),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--task', choices=sorted(RECIPES), default='cls')
    parser.add_argument('--data-dir', default='../shared/data/digits',
                        help='folder of usps.npz and mnist.npz')
    parser.add_argument('--pair', action='append',
                        help='SRC.npz:TGT.npz instead of USPS <-> MNIST')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--iters', type=int, default=None)
    parser.add_argument('--out', default='work_dirs/dev')
    parser.add_argument('--ablations', default=','.join(ABLATIONS),
                        help='comma-separated subset of: '
                        + ','.join(ABLATIONS))
    parser.add_argument('--variant', action='append', default=[],
                        metavar='NAME=START:KEY=VAL[,KEY=VAL]',
                        help='one more bimem_plus variant: START is warmup '
                        'or dine_half, then its cfg-options, e.g. '
                        'seg_t10=warmup:model.im_weight=0.0')
    return parser.parse_args(argv)


def parse_variant(spec: str):
    """'NAME=START:K=V,K=V' -> (NAME, ([K=V, ...], START, spec))."""
    name, sep, rest = spec.partition('=')
    start, _, options = rest.partition(':')
    if not sep or start not in ('warmup', 'dine_half'):
        raise SystemExit(f'--variant {spec}: expected '
                         'NAME=warmup|dine_half:KEY=VAL[,KEY=VAL]')
    return name, ([o for o in options.split(',') if o], start, rest)


def pairs(args):
    if args.pair:
        specs = [p.split(':') for p in args.pair]
    else:
        usps = osp.join(args.data_dir, 'usps.npz')
        mnist = osp.join(args.data_dir, 'mnist.npz')
        specs = [(usps, mnist), (mnist, usps)]
    for source, target in specs:
        for path in (source, target):
            if not osp.isfile(path):
                raise SystemExit(f'{path} not found')
        name = '->'.join(osp.splitext(osp.basename(p))[0]
                         for p in (source, target))
        yield name, osp.abspath(source), osp.abspath(target)


def recipe_for(args, source, target, out, ablations):
    recipe = RECIPES[args.task](source, target, out, args.seed, args.iters)
    recipe.variants = dict(recipe.variants)
    for name in ablations:
        options, start, _ = ABLATIONS[name]
        recipe.variants[name] = ('bimem_plus', list(options))
        recipe.starts[name] = start
    return recipe


def main(argv=None):
    args = parse_args(argv)
    ablations = [a for a in args.ablations.split(',') if a]
    unknown = set(ablations) - set(ABLATIONS)
    if unknown:
        raise SystemExit(f'unknown ablations {sorted(unknown)}; known: '
                         f'{", ".join(ABLATIONS)}')
    for spec in args.variant:
        name, variant = parse_variant(spec)
        ABLATIONS[name] = variant
        ablations.append(name)
    methods = ['dine', 'bimem', *ablations, 'bimem_plus']
    columns, table = [], {}
    for name, source, target in pairs(args):
        out = osp.join(args.out, args.task, name.replace('->', '2'),
                       f'seed{args.seed}')
        recipe = recipe_for(args, source, target, out, ablations)
        print(f'{args.task} {name} seed {args.seed}', flush=True)
        try:
            results = recipe.run(methods)
        except stages.StageError as err:
            raise SystemExit(f'ablation stopped: {err}')
        columns.append(name)
        for method, value in results.items():
            table.setdefault(method, {})[name] = value
    what = {m: ABLATIONS[m][2] for m in ablations}
    what.update(dine='the DINE-style baseline', bimem='faithful BiMem',
                bimem_plus='IM + mixup + adaptive source + T=10, DINE start')
    lines = [f'| variant ({recipe.metric[0]}, seed {args.seed}) | what | '
             + ' | '.join(columns) + ' |',
             '| --- | --- |' + ' ---: |' * len(columns)]
    for method in methods:
        cells = ' | '.join(f'{table[method][c]:.2f}' for c in columns)
        lines.append(f'| {method} | {what[method]} | {cells} |')
    text = '\n'.join(lines) + '\n'
    report.write_atomic(osp.join(args.out,
                                 f'bimem_plus_ablation_{args.task}.md'), text)
    print('\n' + text)


if __name__ == '__main__':
    main()
