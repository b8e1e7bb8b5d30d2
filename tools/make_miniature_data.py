"""Write miniature copies of the paper datasets in their real layouts.

    python tools/make_miniature_data.py data_mini            # all of them
    python tools/make_miniature_data.py data_mini --datasets cityscapes gta5

Then run any paper benchmark on them, e.g. (docs/benchmark.md):

    python tools/benchmark.py --suite paper --benchmark office31/a2w \\
        --data-root data_mini --blackbox-callable \\
        bimem_mm.datasets.miniature.blackbox:classify_office31 \\
        --iters 2 --image-scale 0.125 --no-pretrained --out work_dirs/mini
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from bimem_mm.datasets.miniature import WRITERS, make_miniature  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('root', help='folder to write the datasets into')
    parser.add_argument('--datasets', nargs='+', default=list(WRITERS),
                        choices=list(WRITERS),
                        help='default: all (cityscapes writes '
                        'foggy_cityscapes too)')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)
    for name, path in make_miniature(args.root, args.datasets,
                                     args.seed).items():
        print(f'{name}: {path}')


if __name__ == '__main__':
    main()
