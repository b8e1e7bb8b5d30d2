"""Importing bimem_mm pulls in no downstream task library."""
import subprocess
import sys

CHECK = """
import sys
import bimem_mm, bimem_mm.registry, bimem_mm.core, bimem_mm.models
import bimem_mm.engine, bimem_mm.store, bimem_mm.compat
heavy = sorted(m for m in ('mmseg', 'mmdet', 'mmpretrain') if m in sys.modules)
print(','.join(heavy))
"""


def test_import_bimem_mm_leaves_task_libraries_unimported():
    out = subprocess.run([sys.executable, '-c', CHECK], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == ''


def test_core_imports_no_mm_package():
    code = ('import sys, bimem_mm.core; '
            'print(sorted(m for m in sys.modules if m.split(".")[0] in '
            '("mmengine", "mmcv", "mmseg", "mmdet", "mmpretrain")))')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == '[]'
