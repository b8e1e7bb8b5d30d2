"""Write the development suite of digit domain pairs (and its README).

    python tools/make_dev_pairs.py --data-dir /work/shared/data/digits --out DIR

Reads only ``usps.npz`` and ``mnist.npz`` from ``--data-dir``; writes
``<base>_clean.npz`` and ``<base>_<variant>.npz`` for MNIST and USPS (see
:mod:`bimem_mm.datasets.dev_pairs`) and ``DIR/README.md`` listing the pairs.
Deterministic for a given ``--seed``; existing files are kept unless
``--overwrite``. Run a pair with
``python tools/benchmark.py --pair DIR/SRC.npz:DIR/TGT.npz --tasks cls``.
"""
import argparse
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(1, REPO)

from bimem_mm.compat.atomic import atomic_write  # noqa: E402
from bimem_mm.datasets.dev_pairs import (  # noqa: E402
    BASES,
    VARIANTS,
    dev_pair_list,
    make_dev_pairs,
)
from bimem_mm.datasets.digits_data import load_digits_npz  # noqa: E402


def _csv(text):
    return tuple(t for t in text.split(',') if t)


def readme(out, paths, pairs, command):
    """Markdown describing the files and the pairs."""
    rows = []
    for name, path in sorted(paths.items()):
        x, _, _ = load_digits_npz(path, 'x_train', None)
        t, _, _ = load_digits_npz(path, 'x_test', None)
        rows.append(f'| `{name}` | {x.shape} | {t.shape} |')
    lines = [
        '# Development pairs (bimem_mm)', '',
        'Built only from the shared USPS / MNIST files by:', '',
        '```bash', command, '```', '',
        'Tune on these, never on the demo pair (a report pair). Each base is',
        'split into two disjoint halves: `<base>_clean.npz` is half A as it',
        'is, every `<base>_<variant>.npz` is half B transformed (see',
        '`bimem_mm/datasets/dev_pairs.py` for each variant). Arrays:',
        '`x_train`, `y_train`, `x_test`, `y_test` and ink masks `m_x_train`,',
        '`m_x_test`. MNIST files keep the 28x28 framing (the benchmark crops',
        'their central 20x20); USPS files are 16x16. `coloured` and',
        '`textured` are RGB; `inverted`, `coloured`, `textured` (and',
        "`noisy`'s speckle) have non-dark backgrounds: scene builders must",
        'take the ink from the masks.', '',
        '| file | x_train | x_test |', '| --- | --- | --- |', *rows, '',
        '## Pairs (source -> target)', '',
        *[f'- `{s}` -> `{t}`' for s, t in pairs], '',
        'Run one: `python tools/benchmark.py --pair '
        f'{out}/SRC.npz:{out}/TGT.npz --tasks cls --out work_dirs/dev/NAME`', '']
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-dir', required=True,
                        help='folder with usps.npz and mnist.npz')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--bases', type=_csv, default=tuple(BASES),
                        help=f'comma-separated, from {",".join(BASES)}')
    parser.add_argument('--variants', type=_csv, default=VARIANTS,
                        help=f'comma-separated, from {",".join(VARIANTS)}')
    parser.add_argument('--overwrite', action='store_true')
    args = parser.parse_args(argv)
    try:
        paths = make_dev_pairs(args.data_dir, args.out, args.seed,
                               args.bases, args.variants, args.overwrite)
    except ValueError as err:
        parser.exit(2, f'make_dev_pairs: {err}\n')
    command = ('python tools/make_dev_pairs.py --data-dir '
               f'{osp.abspath(args.data_dir)} --out {osp.abspath(args.out)}'
               + (f' --seed {args.seed}' if args.seed else '')
               + ('' if args.bases == tuple(BASES)
                  else f' --bases {",".join(args.bases)}')
               + ('' if args.variants == VARIANTS
                  else f' --variants {",".join(args.variants)}'))
    text = readme(osp.abspath(args.out), paths,
                  dev_pair_list(args.bases, args.variants), command)
    atomic_write(osp.join(args.out, 'README.md'),
                 lambda f: f.write(text), mode='w')
    for name in sorted(paths):
        print(paths[name])


if __name__ == '__main__':
    main()
