"""Dump, then compare, the built configs of a checkout (issue 13, session 4).

    cd <checkout> && python docs/dev_suite/i13s_config_dump.py dump OUT_DIR
    python docs/dev_suite/i13s_config_dump.py compare BEFORE_DIR AFTER_DIR \
        [--renamed OLD=NEW ...] [--helpers KEY,KEY]

``dump`` writes ``Config.fromfile(cfg).to_dict()`` (``filename`` dropped,
pretty-printed with sorted keys) of every ``configs/**/*.py`` to
``OUT_DIR/<path with / as __>.txt``. ``compare`` says, per config, whether
the two dicts are equal once the top-level ``--helpers`` keys (variables a
refactor added for its own use) are dropped; ``--renamed`` maps a config
path of BEFORE to its path in AFTER.
"""
import argparse
import glob
import os
import pprint
import sys


def dump(out):
    from mmengine.config import Config
    os.makedirs(out, exist_ok=True)
    files = sorted(glob.glob('configs/**/*.py', recursive=True))
    for f in files:
        try:
            d = Config.fromfile(f).to_dict()
            d.pop('filename', None)
            text = pprint.pformat(d, width=100, sort_dicts=True)
        except Exception as e:  # noqa: BLE001  (reported in the dump)
            text = f'ERROR {type(e).__name__}: {e}'
        with open(os.path.join(out, f.replace('/', '__') + '.txt'), 'w') as h:
            h.write(text + '\n')
    print(f'{len(files)} configs -> {out}')


def compare(before, after, renamed, helpers):
    name = {new.replace('/', '__') + '.txt': old.replace('/', '__') + '.txt'
            for old, new in renamed}
    equal = differ = 0
    for f in sorted(os.listdir(after)):
        b = os.path.join(before, name.get(f, f))
        if not os.path.exists(b):
            print('new', f)
            continue
        da = eval(open(os.path.join(after, f)).read())  # noqa: S307
        db = eval(open(b).read())  # noqa: S307
        added = sorted(set(da) - set(db))
        for key in helpers:
            da.pop(key, None)
        if da == db:
            equal += 1
            if added:
                print('equal but for helper keys', added, f)
        else:
            differ += 1
            keys = sorted(k for k in set(da) | set(db)
                          if da.get(k) != db.get(k))
            print('DIFFERS', f, keys)
    print(f'{equal} equal, {differ} differ')


if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('mode', choices=('dump', 'compare'))
    p.add_argument('dirs', nargs='+')
    p.add_argument('--renamed', nargs='*', default=[])
    p.add_argument('--helpers', default='')
    a = p.parse_args()
    if a.mode == 'dump':
        dump(a.dirs[0])
    else:
        compare(a.dirs[0], a.dirs[1],
                [r.split('=', 1) for r in a.renamed],
                [k for k in a.helpers.split(',') if k])
    sys.exit(0)
