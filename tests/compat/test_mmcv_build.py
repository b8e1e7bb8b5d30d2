"""The mmcv sdist fixes applied by tools/setup_env.sh."""
from bimem_mm.compat.mmcv_build import (
    cache_key,
    patch_cxx_standard,
    required_cxx_standard,
)

SETUP_PY = """
            if parse_version(torch.__version__) <= parse_version('1.12.1'):
                extra_compile_args['cxx'] = ['-std=c++14']
            else:
                extra_compile_args['cxx'] = ['-std=c++17']
            extra_compile_args['nvcc'] += ['-std=c++17']
"""


def test_patch_replaces_every_old_standard_flag():
    out = patch_cxx_standard(SETUP_PY, 'c++20')
    assert '-std=c++17' not in out and '-std=c++14' not in out
    assert out.count('-std=c++20') == 3
    assert patch_cxx_standard(out, 'c++20') == out   # idempotent


def test_required_standard_and_cache_key_follow_torch():
    assert required_cxx_standard('2.14.1+cu130') == 'c++20'
    assert required_cxx_standard('2.5.1') == 'c++17'
    assert cache_key('2.14.1+cu130', False) == 'mmcv2.1.0-torch2.14.1_cu130-cpu'
    assert cache_key('2.14.1+cu130', True).endswith('-cuda')
