"""docs/demo_results.png from the demo table of docs/benchmark.md (its per-seed
values), for when the demo's results.csv is gone: `python
docs/dev_suite/demo_png_from_table.py docs/demo_results.png` from the repository root."""
import re
import sys
sys.path.insert(0, '.')
from bimem_mm.benchmark import plots

text = open('docs/benchmark.md').read()
start = text.index('| method | cls | seg | det |')
rows = []
metrics = {'cls': 'top1', 'seg': 'mIoU', 'det': 'mAP50'}
for line in text[start:].split('\n')[2:]:
    if not line.startswith('| '):
        break
    cells = [c.strip() for c in line.strip('|').split('|')]
    method = cells[0]
    for task, cell in zip(('cls', 'seg', 'det'), cells[1:]):
        seeds = re.search(r'\(([^)]*)\)', cell).group(1).split(',')
        for seed, value in enumerate(seeds):
            rows.append(dict(task=task, pair='sklearn_digits->mnist', method=method,
                             metric=metrics[task], value=float(value), seed=seed,
                             config='', options=''))
print(len(rows))
plots.plot_results(rows, sys.argv[1])
