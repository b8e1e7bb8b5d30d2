"""The code base passes ruff (lint + import order), as CI checks."""
import os.path as osp
import shutil
import subprocess
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_ruff_is_clean():
    ruff = shutil.which('ruff') or osp.join(osp.dirname(sys.executable),
                                            'ruff')
    if not osp.exists(ruff):
        pytest.skip('ruff is not installed (requirements/tests.txt)')
    out = subprocess.run([ruff, 'check', 'bimem_mm', 'tools', 'tests',
                          'configs', 'setup.py'], cwd=REPO,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:]
