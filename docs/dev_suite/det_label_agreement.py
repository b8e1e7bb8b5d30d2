"""Mean over a training run of the logged label-agreement statistics.

    python docs/dev_suite/det_label_agreement.py SEED_PARENT

For every seed under SEED_PARENT: ``dine/bb_agree`` of ``dine`` and
``bimem/bb_agree`` / ``bimem/long_short_agree`` of ``bimem_plus`` (share of
boxes whose label is the black box's argmax; share where the long- and
short-term memories agree), in %, from the first run's
``<stage>/<timestamp>/vis_data/scalars.json`` (docs/dev_suite/det.md#session-7).
"""
import glob
import json
import statistics as st
import sys


def run_mean(stage_dir, key):
    runs = sorted(glob.glob(f'{stage_dir}/2*/vis_data/scalars.json'))
    if not runs:
        return None
    rows = [json.loads(line) for line in open(runs[0])]
    values = [r[key] for r in rows if key in r]
    return 100 * st.mean(values) if values else None


def fmt(x):
    return '-' if x is None else f'{x:.1f}'


def main(parent):
    for seed in sorted(glob.glob(f'{parent}/seed*')):
        print(f"{seed.rsplit('/', 1)[1]}: "
              f"dine bb_agree {fmt(run_mean(seed + '/dine', 'dine/bb_agree'))}  "
              f"bimem_plus bb_agree "
              f"{fmt(run_mean(seed + '/bimem_plus', 'bimem/bb_agree'))}  "
              f"long_short_agree "
              f"{fmt(run_mean(seed + '/bimem_plus', 'bimem/long_short_agree'))}")


if __name__ == '__main__':
    main(sys.argv[1])
