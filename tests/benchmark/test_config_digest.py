"""A stage record changes when a config it names, or a local base of that
config, is edited (a rerun into the same --out must not reuse the stage)."""
import sys

from bimem_mm.benchmark.config_digest import config_digest, local_bases
from bimem_mm.benchmark.stages import REPO, stage_hash


def _write(path, text):
    path.write_text(text)
    return str(path)


def test_local_bases_skip_package_bases(tmp_path):
    (tmp_path / 'sub').mkdir()
    base = _write(tmp_path / 'sub' / 'base.py', 'a = 1\n')
    cfg = _write(tmp_path / 'cfg.py',
                 "_base_ = ['mmdet::faster.py', './sub/base.py']\nb = 2\n")
    assert local_bases(cfg) == [base]
    assert local_bases(base) == []


def test_editing_a_config_or_its_base_changes_the_stage_hash(tmp_path):
    base = tmp_path / 'base.py'
    _write(base, 'lr = 0.01\n')
    cfg = _write(tmp_path / 'cfg.py', "_base_ = './base.py'\nmax_iters = 4\n")
    cmd = [sys.executable, f'{REPO}/tools/train.py', cfg,
           '--work-dir', str(tmp_path / 'w')]
    first, digest = stage_hash(cmd), config_digest(cfg)
    assert stage_hash(cmd) == first            # deterministic
    _write(base, 'lr = 0.05\n')                # edit the base only
    assert config_digest(cfg) != digest
    second = stage_hash(cmd)
    assert second != first
    _write(tmp_path / 'cfg.py', "_base_ = './base.py'\nmax_iters = 8\n")
    assert stage_hash(cmd) not in (first, second)


def test_a_config_that_names_itself_through_a_cycle_terminates(tmp_path):
    a = _write(tmp_path / 'a.py', "_base_ = ['./b.py']\n")
    _write(tmp_path / 'b.py', "_base_ = ['./a.py']\n")
    assert len(config_digest(a)) == 64


def test_repo_configs_hash(tmp_path):
    # every config of the digit suites parses (bases resolved, none missing)
    import glob
    import os
    for path in glob.glob(f'{REPO}/configs/**/*.py', recursive=True):
        for base in local_bases(path):
            assert os.path.isfile(base), (path, base)
        assert len(config_digest(path)) == 64
