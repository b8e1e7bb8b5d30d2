"""PNG plots of a benchmark: the results and each run's memory behaviour.

matplotlib (Agg backend) is imported only when a plot is drawn.
"""
import glob
import json
import os
import os.path as osp
import tempfile
from typing import Dict, List, Optional

from .report import method_key, seed_text, summarise


def _pyplot():
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def _save(fig, path: str) -> None:
    """Save a figure atomically (temporary file + rename)."""
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix='.tmp-', suffix='.png')
    os.close(fd)
    fig.savefig(tmp, dpi=110, bbox_inches='tight')
    os.replace(tmp, path)


def plot_results(rows: List[Dict], path: str) -> None:
    """One panel per (task, pair): a bar per method, mean over seeds with
    the spread (std) as an error bar and each seed's value as a dot."""
    plt = _pyplot()
    summary = summarise(rows)
    panels = sorted({(s['task'], s['pair']) for s in summary})
    if not panels:
        raise ValueError('no results to plot')
    fig, axes = plt.subplots(1, len(panels), squeeze=False,
                             figsize=(4.2 * len(panels), 3.6))
    for ax, (task, pair) in zip(axes[0], panels):
        items = sorted((s for s in summary
                        if (s['task'], s['pair']) == (task, pair)),
                       key=lambda s: method_key(s['method']))
        names = [s['method'] for s in items]
        colors = ['#888888' if n in ('black_box', 'warmup', 'oracle') else
                  '#d08030' if n == 'dine' else '#3070b0' for n in names]
        bars = ax.bar(range(len(items)), [s['mean'] for s in items],
                      yerr=[s['std'] for s in items], color=colors,
                      capsize=3)
        for i, s in enumerate(items):
            if s['n'] > 1:
                ax.scatter([i] * s['n'], s['values'], s=9, color='black',
                           zorder=3)
        for bar, s in zip(bars, items):
            ax.annotate(f"{s['mean']:.1f}", (bar.get_x() + bar.get_width()
                                             / 2, bar.get_height()),
                        ha='center', va='bottom', fontsize=7)
        ax.set_xticks(range(len(items)), names, rotation=45, ha='right',
                      fontsize=8)
        seeds = sorted({k for s in items for k in s['seeds']})
        ax.set_title(f'{task}: {pair} ({seed_text(seeds)})', fontsize=9)
        ax.set_ylabel(f"{items[0]['metric']} (%)")
        ax.set_ylim(0, 105)
    _save(fig, path)
    plt.close(fig)


def find_scalars(work_dir: str) -> Optional[str]:
    """The newest ``<work_dir>/<timestamp>/vis_data/scalars.json`` holding
    training iterations, or None."""
    paths = sorted(glob.glob(osp.join(work_dir, '2*', 'vis_data',
                                      'scalars.json')))
    for path in reversed(paths):
        if read_scalars(path):
            return path
    return None


def read_scalars(path: str) -> List[Dict]:
    """Training records (those with an ``iter``) of an MMEngine
    ``scalars.json``."""
    records = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                record = json.loads(line)
                if 'iter' in record:
                    records.append(record)
    return records


# panels of the memory plot: (title, [(key, label)])
MEMORY_PANELS = (
    ('pseudo-label accuracy (evaluation only)',
     [('bimem/acc_black_box', 'black box'),
      ('bimem/acc_calibrated', 'calibrated (fused)'),
      ('bimem/acc_long', 'long-term only')]),
    ('labels vs. the black box',
     [('bimem/bb_agree', 'kept black-box label'),
      ('bimem/long_short_agree', 'long = fused label'),
      ('bimem/ignored', 'ignored')]),
    ('short-term memory',
     [('bimem/queue_fill', 'queue fill'),
      ('bimem/short_ready', 'short-term ready')]),
    ('long-term memory', [('bimem/proto_drift', 'prototype drift')]),
)


def plot_memory(scalars: str, path: str, title: str = '') -> List[str]:
    """The memory behaviour of one training run over its iterations.

    Returns the keys drawn; panels whose keys were not logged say so
    (e.g. the accuracy panel without ``--analysis``).
    """
    records = read_scalars(scalars)
    if not records:
        raise ValueError(f'{scalars}: no training records')
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(MEMORY_PANELS),
                             figsize=(4 * len(MEMORY_PANELS), 3.2))
    drawn = []
    for ax, (panel, keys) in zip(axes, MEMORY_PANELS):
        for key, label in keys:
            points = [(r['iter'], r[key]) for r in records if key in r]
            if points:
                ax.plot(*zip(*points), label=label, marker='.')
                drawn.append(key)
        if ax.lines:
            ax.legend(fontsize=7)
        else:
            hint = ('not logged: --analysis\n(classification, segmentation)'
                    if 'accuracy' in panel else 'not logged')
            ax.text(0.5, 0.5, hint, ha='center', va='center',
                    transform=ax.transAxes, color='#777777')
        ax.set_title(panel, fontsize=9)
        ax.set_xlabel('iteration')
        if panel.startswith(('labels', 'short')):    # shares of units
            low = min([0.0] + [min(line.get_ydata()) for line in ax.lines])
            ax.set_ylim(min(low, 0.0) - 0.02, 1.02)
    if title:
        fig.suptitle(title, fontsize=10)
    _save(fig, path)
    plt.close(fig)
    return drawn
