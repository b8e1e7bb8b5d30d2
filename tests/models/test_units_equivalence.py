"""Units from named layers (issue 14) changed no number: three seeded
warm-up + BiMem steps of the digit seg, det and cls wrappers give the
losses, memories, weights and unit features recorded before the refactor
(tests/models/units_snapshot.json, written by units_snapshot.py at
the commit before it; bitwise equal on the machine that wrote it, within
units_snapshot.compare's tolerances on a CPU with other float kernels)."""
import importlib.util
import json
import os.path as osp

import pytest

HERE = osp.dirname(osp.abspath(__file__))


spec = importlib.util.spec_from_file_location(
    '_units_snapshot', osp.join(HERE, 'units_snapshot.py'))
SNAPSHOT = importlib.util.module_from_spec(spec)
spec.loader.exec_module(SNAPSHOT)


@pytest.fixture(scope='module')
def snapshot():
    return SNAPSHOT.snapshot()


@pytest.mark.parametrize('task', ['seg', 'det', 'cls'])
def test_same_numbers_as_before_the_recorder(snapshot, task):
    with open(osp.join(HERE, 'units_snapshot.json')) as f:
        ref = json.load(f)[task]
    assert ref['step2']['bimem/change_rate'] >= 0   # a BiMem step ran
    SNAPSHOT.compare(snapshot[task], ref, task)
