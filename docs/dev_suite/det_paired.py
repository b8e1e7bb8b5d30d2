"""Per-seed mAP50 of named stages and their paired differences.

    python docs/dev_suite/det_paired.py SEED_PARENT A B ...

SEED_PARENT holds seed0, seed1, ...; a name reads SEED/<name>_metrics.json
(a kept variant, docs/dev_suite/det_s7_runs.sh) or SEED/<name>/test/
metrics.json. Prints each seed, mean ± sample std per name, and each name
minus the first, per seed and mean ± std.
"""
import json
import os.path as osp
import statistics as st
import sys


def value(seed_dir, name):
    for f in (f'{seed_dir}/{name}_metrics.json',
              f'{seed_dir}/{name}/test/metrics.json'):
        if osp.isfile(f):
            return 100 * json.load(open(f))['pascal_voc/mAP']
    return None


def spread(xs):
    return st.stdev(xs) if len(xs) > 1 else float('nan')


def main(parent, names):
    seeds = [s for s in range(10) if osp.isdir(f'{parent}/seed{s}')]
    rows = {s: [value(f'{parent}/seed{s}', n) for n in names] for s in seeds}
    for s, row in rows.items():
        print(f'seed{s}: ' + '  '.join(
            f'{n} {x:.2f}' if x is not None else f'{n} -'
            for n, x in zip(names, row)))
    for i, name in enumerate(names):
        xs = [r[i] for r in rows.values() if r[i] is not None]
        if xs:
            print(f'{name}: {st.mean(xs):.2f} ± {spread(xs):.2f} (n={len(xs)})')
    for i in range(1, len(names)):
        d = [r[i] - r[0] for r in rows.values() if None not in (r[i], r[0])]
        if d:
            print(f'{names[i]} - {names[0]}: '
                  + ', '.join(f'{x:+.2f}' for x in d)
                  + f'  mean {st.mean(d):+.2f} ± {spread(d):.2f}')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2:])
