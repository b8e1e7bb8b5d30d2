"""Do two ``tools/benchmark.py --dry-run`` outputs train the same configs?

    python tools/benchmarks/compare_dry_runs.py BEFORE.txt AFTER.txt

For a refactor that changes stage command lines (a cached stage then
reruns) but must not change what runs: the two outputs are paired line by
line; for every pair of stage commands that differ, the stage's config is
built with each ``--cfg-options`` list (MMEngine's parsing, as
tools/train.py does) and the two configs compared as dicts. Prints one
line per config that differs (its keys) and a summary; exit 1 if any does.
"""
import argparse
import os.path as osp
import shlex
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))

from mmengine.config import Config, DictAction  # noqa: E402


def built(command: str) -> dict:
    """The config a stage command line runs, as a dict."""
    tokens = shlex.split(command)
    config = next(t for t in tokens if t.endswith('.py')
                  and t.startswith('configs/'))
    cfg = Config.fromfile(config)
    if '--cfg-options' in tokens:
        options = tokens[tokens.index('--cfg-options') + 1:]
        cfg.merge_from_dict({k: DictAction._parse_iterable(v) for k, v in
                             (o.split('=', 1) for o in options)})
    return cfg.to_dict()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('before')
    parser.add_argument('after')
    args = parser.parse_args()
    with open(args.before) as f:
        before = f.read().splitlines()
    with open(args.after) as f:
        after = f.read().splitlines()
    if len(before) != len(after):
        print(f'{args.after}: {len(after)} lines, {args.before}: '
              f'{len(before)}: other stages, not comparable line by line')
        return 1
    changed = differ = 0
    for old, new in zip(before, after):
        if old == new or old.startswith('#'):
            continue
        changed += 1
        a, b = built(old), built(new)
        if a != b:
            differ += 1
            keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            print(f'differs in {", ".join(keys)}: {new[:160]}')
    print(f'{args.before} -> {args.after}: {changed} command lines changed, '
          f'{changed - differ} of them build the same config')
    return int(differ > 0)


if __name__ == '__main__':
    sys.exit(main())
