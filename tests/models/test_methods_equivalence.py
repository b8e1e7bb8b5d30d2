"""Issue 13's refactor of the methods changed no number: three seeded
steps of the DINE wrappers (cls, seg, det) and of bimem_plus (cls, det:
adaptive source, IM, mixup) give the losses, memories, weights and unit
features recorded before it (tests/models/methods_snapshot.json, written
by ``units_snapshot.py OUT.json methods`` at the commit before it)."""
import importlib.util
import json
import os.path as osp

import pytest

HERE = osp.dirname(osp.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    '_methods_snapshot', osp.join(HERE, 'units_snapshot.py'))
SNAPSHOT = importlib.util.module_from_spec(spec)
spec.loader.exec_module(SNAPSHOT)


@pytest.fixture(scope='module')
def snapshot():
    return SNAPSHOT.methods_snapshot()


@pytest.mark.parametrize('name', ['seg_dine', 'det_dine', 'cls_dine',
                                  'det_plus', 'cls_plus'])
def test_same_numbers_as_before_the_method_refactor(snapshot, name):
    with open(osp.join(HERE, 'methods_snapshot.json')) as f:
        ref = json.load(f)[name]
    assert ref['step2']['loss'] > 0                  # steps ran
    SNAPSHOT.compare(snapshot[name], ref, name)
