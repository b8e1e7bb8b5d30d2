"""results.csv and the summary table (mean and spread over seeds)."""
import csv
import io
import os
import os.path as osp
import statistics
import tempfile
from collections import OrderedDict
from typing import Dict, List

COLUMNS = ('task', 'pair', 'method', 'metric', 'value', 'seed', 'config')
# the order methods and tasks are shown in
METHOD_ORDER = ('black_box', 'warmup', 'dine', 'bimem', 'bimem_no_short',
                'bimem_no_long', 'bimem_plus', 'oracle')
TASK_ORDER = ('cls', 'seg', 'det')


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename."""
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix='.tmp-')
    with os.fdopen(fd, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def read_rows(path: str) -> List[Dict[str, str]]:
    if not osp.exists(path):
        return []
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def write_rows(path: str, rows: List[Dict]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row[k] for k in COLUMNS})
    write_atomic(path, buf.getvalue())


def upsert(rows: List[Dict], new: Dict) -> List[Dict]:
    """Replace the row with the same task/pair/method/seed, or append."""
    key = ('task', 'pair', 'method', 'seed')
    rows = [r for r in rows if any(str(r[k]) != str(new[k]) for k in key)]
    return rows + [new]


def summarise(rows: List[Dict]) -> List[Dict]:
    """One line per (task, pair, method): mean, spread (std), seeds."""
    groups = OrderedDict()
    for r in rows:
        groups.setdefault((r['task'], r['pair'], r['method'], r['metric']),
                          []).append(float(r['value']))
    out = []
    for (task, pair, method, metric), values in groups.items():
        std = statistics.stdev(values) if len(values) > 1 else 0.0
        out.append(dict(task=task, pair=pair, method=method, metric=metric,
                        mean=statistics.fmean(values), std=std,
                        n=len(values)))
    return out


def markdown(rows: List[Dict]) -> str:
    """The summary as a markdown table."""
    lines = ['| task | pair | method | metric | mean | std | seeds |',
             '| --- | --- | --- | --- | ---: | ---: | ---: |']
    for s in summarise(rows):
        lines.append(f"| {s['task']} | {s['pair']} | {s['method']} | "
                     f"{s['metric']} | {s['mean']:.2f} | {s['std']:.2f} | "
                     f"{s['n']} |")
    return '\n'.join(lines) + '\n'


def method_key(method: str):
    """Sort key: the benchmark's method order, unknown names last."""
    return (METHOD_ORDER.index(method) if method in METHOD_ORDER
            else len(METHOD_ORDER), method)


def pivot_markdown(rows: List[Dict]) -> str:
    """One table per task: a row per method, a column per pair, cells
    ``mean`` or ``mean +- std`` over the seeds."""
    summary = summarise(rows)
    out = []
    tasks = sorted({s['task'] for s in summary}, key=lambda t: (
        TASK_ORDER.index(t) if t in TASK_ORDER else len(TASK_ORDER), t))
    for task in tasks:
        items = [s for s in summary if s['task'] == task]
        pairs = list(OrderedDict.fromkeys(s['pair'] for s in items))
        cells = {(s['method'], s['pair']): s for s in items}
        seeds = max(s['n'] for s in items)
        out.append(f"**{task}** ({items[0]['metric']}, %, last iterate, "
                   f"{seeds} seed{'s' * (seeds > 1)})\n")
        out.append('| method | ' + ' | '.join(pairs) + ' |')
        out.append('| --- |' + ' ---: |' * len(pairs))
        for method in sorted({s['method'] for s in items}, key=method_key):
            row = []
            for pair in pairs:
                s = cells.get((method, pair))
                row.append('' if s is None else f"{s['mean']:.2f}" + (
                    f" ± {s['std']:.2f}" if s['n'] > 1 else ''))
            out.append(f'| {method} | ' + ' | '.join(row) + ' |')
        out.append('')
    return '\n'.join(out)
