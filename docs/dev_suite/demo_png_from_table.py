"""docs/demo_results.png from the demo table of docs/benchmark.md (its
per-seed values), for when the demo's results.csv is gone. From the
repository root: ``python docs/dev_suite/demo_png_from_table.py
docs/demo_results.png``."""
import re
import sys

sys.path.insert(0, '.')
from bimem_mm.benchmark import plots  # noqa: E402

PAIR = 'sklearn_digits->mnist'
METRICS = {'cls': 'top1', 'seg': 'mIoU', 'det': 'mAP50'}


def table_rows(text):
    """results.csv rows of the table headed ``| method | cls | seg | det |``
    (each cell ``mean ± std (seed0, seed1, seed2)``)."""
    start = text.index('| method | cls | seg | det |')
    rows = []
    for line in text[start:].split('\n')[2:]:
        if not line.startswith('| '):
            break
        method, *cells = [c.strip() for c in line.strip('|').split('|')]
        for task, cell in zip(('cls', 'seg', 'det'), cells):
            seeds = re.search(r'\(([^)]*)\)', cell).group(1).split(',')
            rows += [dict(task=task, pair=PAIR, method=method,
                          metric=METRICS[task], value=float(value),
                          seed=seed, config='', options='')
                     for seed, value in enumerate(seeds)]
    return rows


if __name__ == '__main__':
    with open('docs/benchmark.md') as f:
        rows = table_rows(f.read())
    plots.plot_results(rows, sys.argv[1])
    print(f'{len(rows)} values -> {sys.argv[1]}')
