"""results.csv and the summary table (mean and spread over seeds)."""
import csv
import glob
import io
import os
import os.path as osp
import statistics
import tempfile
from collections import OrderedDict
from typing import Dict, List

# options: what the run that wrote the row changed from the defaults: the
# method's --method-options and the --stage-iters of the stages it depends
# on (Recipe.row_options). A rerun with the same options into the same
# --out replaces the row; one with other options sits beside it, and the
# tables name the options, so the runs are neither mixed nor pooled.
COLUMNS = ('task', 'pair', 'method', 'metric', 'value', 'seed', 'config',
           'options')
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
    for row in rows:                 # rows of an older csv lack options
        writer.writerow({k: '' if row.get(k) is None else row[k]
                         for k in COLUMNS})
    write_atomic(path, buf.getvalue())


def upsert(rows: List[Dict], new: Dict) -> List[Dict]:
    """Replace the row with the same task/pair/method/seed/options, or
    append (a row of an older csv has no options: '')."""
    def key(row):
        return (str(row['task']), str(row['pair']), str(row['method']),
                str(row['seed']), str(row.get('options') or ''))
    rows = [r for r in rows if key(r) != key(new)]
    return rows + [new]


def method_label(row: Dict) -> str:
    """``method``, or ``method [OPTIONS]`` for a row run with
    --method-options."""
    options = row.get('options') or ''
    return f"{row['method']} [{options}]" if options else row['method']


def summarise(rows: List[Dict]) -> List[Dict]:
    """One line per (task, pair, method label): mean, spread (std), seeds;
    seeds run with other method options are not pooled."""
    groups = OrderedDict()
    for r in rows:
        groups.setdefault((r['task'], r['pair'], method_label(r),
                           r['metric']),
                          []).append((int(r['seed']), float(r['value'])))
    out = []
    for (task, pair, method, metric), items in groups.items():
        items.sort()
        values = [v for _, v in items]
        std = statistics.stdev(values) if len(values) > 1 else 0.0
        out.append(dict(task=task, pair=pair, method=method, metric=metric,
                        mean=statistics.fmean(values), std=std,
                        n=len(values), seeds=[s for s, _ in items],
                        values=values))
    return out


def seed_text(seeds) -> str:
    """'seed 0' or 'seeds 0,1,2'."""
    return f"seed{'s' * (len(seeds) > 1)} {','.join(map(str, seeds))}"


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
    """Sort key: the benchmark's method order, unknown names last (a
    label ``method [OPTIONS]`` right after its method)."""
    base = method.split(' [')[0]
    return (METHOD_ORDER.index(base) if base in METHOD_ORDER
            else len(METHOD_ORDER), method)


def pivot_markdown(rows: List[Dict]) -> str:
    """One table per task: a row per method, a column per pair, cells
    ``mean ± std`` over the seeds the title names (``mean`` for one
    seed); a cell over fewer seeds says which."""
    summary = summarise(rows)
    out = []
    tasks = sorted({s['task'] for s in summary}, key=lambda t: (
        TASK_ORDER.index(t) if t in TASK_ORDER else len(TASK_ORDER), t))
    for task in tasks:
        items = [s for s in summary if s['task'] == task]
        pairs = list(OrderedDict.fromkeys(s['pair'] for s in items))
        cells = {(s['method'], s['pair']): s for s in items}
        seeds = sorted({k for s in items for k in s['seeds']})
        spread = 'mean ± std over ' if len(seeds) > 1 else ''
        out.append(f"**{task}** ({items[0]['metric']}, %, last iterate, "
                   f"{spread}{seed_text(seeds)})\n")
        out.append('| method | ' + ' | '.join(pairs) + ' |')
        out.append('| --- |' + ' ---: |' * len(pairs))
        for method in sorted({s['method'] for s in items}, key=method_key):
            row = []
            for pair in pairs:
                s = cells.get((method, pair))
                row.append('' if s is None else f"{s['mean']:.2f}" + (
                    f" ± {s['std']:.2f}" if len(seeds) > 1 else '') + (
                    f" ({seed_text(s['seeds'])})"
                    if s['seeds'] != seeds else ''))
            out.append(f'| {method} | ' + ' | '.join(row) + ' |')
        out.append('')
    return '\n'.join(out)


def timings_markdown(out: str) -> str:
    """Wall and CPU time of the stages a benchmark ran, per task, pair and
    seed, from the ``timings.csv`` beside each run's logs
    (``OUT/<task>/<pair>/seed<k>/logs``; the latest run of each stage)."""
    from .stages import TIMINGS, read_times
    lines = ['| task | pair | seed | stages | wall (s) | CPU (s) |',
             '| --- | --- | ---: | ---: | ---: | ---: |']
    total = [0.0, 0.0]
    paths = sorted(glob.glob(osp.join(out, '*', '*', 'seed*', 'logs',
                                      TIMINGS)))
    for path in paths:
        run = osp.dirname(osp.dirname(path))
        task = osp.basename(osp.dirname(osp.dirname(run)))
        pair = osp.basename(osp.dirname(run))
        times = read_times(path).values()
        wall, cpu = (sum(t[i] for t in times) for i in (1, 2))
        total = [total[0] + wall, total[1] + cpu]
        lines.append(f'| {task} | {pair} | {osp.basename(run)[4:]} | '
                     f'{len(times)} | {wall:.0f} | {cpu:.0f} |')
    lines.append(f'| all | | | | {total[0]:.0f} | {total[1]:.0f} |')
    return '\n'.join(lines) + '\n'
