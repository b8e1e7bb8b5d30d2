"""Units from named layers (issue 14) changed no number: three seeded
warm-up + BiMem steps of the digit seg, det and cls wrappers give the
losses, memories, weights and unit features recorded before the refactor
(tests/models/units_snapshot.json, written by units_snapshot.py at
the commit before it; bitwise equal on the machine that wrote it)."""
import json
import math
import os.path as osp

import pytest

HERE = osp.dirname(osp.abspath(__file__))


def _compare(new, ref, where):
    if isinstance(ref, dict):
        assert set(new) == set(ref), f'{where}: keys {set(new) ^ set(ref)}'
        for key in ref:
            _compare(new[key], ref[key], f'{where}.{key}')
    elif isinstance(ref, list):
        assert len(new) == len(ref), where
        for i, (a, b) in enumerate(zip(new, ref)):
            _compare(a, b, f'{where}[{i}]')
    else:
        assert math.isclose(new, ref, rel_tol=1e-5, abs_tol=1e-6), \
            f'{where}: {new} != {ref}'


@pytest.fixture(scope='module')
def snapshot():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        '_units_snapshot', osp.join(HERE, 'units_snapshot.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.snapshot()


@pytest.mark.parametrize('task', ['seg', 'det', 'cls'])
def test_same_numbers_as_before_the_recorder(snapshot, task):
    with open(osp.join(HERE, 'units_snapshot.json')) as f:
        ref = json.load(f)[task]
    assert ref['step2']['bimem/change_rate'] >= 0   # a BiMem step ran
    _compare(snapshot[task], ref, task)
