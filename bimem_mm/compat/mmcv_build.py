"""Build the mmcv 2.1.0 wheel with its C++ ops once, and cache it.

No prebuilt mmcv 2.1.0 wheel exists for today's torch. Its sdist builds
with two fixes, both applied to the unpacked sdist (never to an installed
package):

* torch >= 2.10's headers need C++20, and mmcv's ``setup.py`` hard-codes
  ``-std=c++17`` (:func:`patch_cxx_standard`);
* ``setup.py`` imports ``pkg_resources``: build with ``setuptools<81`` and
  ``--no-build-isolation`` so the installed torch is used.

Run as a script (``tools/setup_env.sh`` does)::

    python bimem_mm/compat/mmcv_build.py --cache ~/.cache/bimem_mm/wheels

It prints the path of a wheel for the installed torch, building it only
when the cache has none. The cache key is the torch version and whether
CUDA ops are built. This file imports nothing from bimem_mm, so it runs
before the package is installed.
"""
from __future__ import annotations

import argparse
import glob
import os
import os.path as osp
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

MMCV_VERSION = '2.1.0'


def patch_cxx_standard(setup_py: str, std: str = 'c++20') -> str:
    """Replace every ``-std=c++14/17`` flag in mmcv's setup.py by ``std``."""
    return re.sub(r'-std=c\+\+1[47]', f'-std={std}', setup_py)


def required_cxx_standard(torch_version: str) -> str:
    """The C++ standard torch's headers need (C++20 from torch 2.10 on)."""
    major, minor = (int(x) for x in re.findall(r'\d+', torch_version)[:2])
    return 'c++20' if (major, minor) >= (2, 10) else 'c++17'


def cache_key(torch_version: str, with_cuda: bool) -> str:
    """Folder name under the cache for one torch build and op flavour."""
    safe = re.sub(r'[^0-9A-Za-z.]+', '_', torch_version)
    return f'mmcv{MMCV_VERSION}-torch{safe}-{"cuda" if with_cuda else "cpu"}'


def _run(cmd: list[str], **kwargs) -> None:
    print('+', ' '.join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, **kwargs)


def build_wheel(cache: str, with_cuda: bool, jobs: int) -> str:
    """Return a cached wheel path, building it first when missing."""
    import torch

    folder = osp.join(cache, cache_key(torch.__version__, with_cuda))
    found = glob.glob(osp.join(folder, f'mmcv-{MMCV_VERSION}-*.whl'))
    if found:
        return found[0]
    work = tempfile.mkdtemp(prefix='mmcv-build-')
    try:
        _run([sys.executable, '-m', 'pip', 'download', '--no-deps',
              '--no-binary', 'mmcv', '--no-build-isolation',
              f'mmcv=={MMCV_VERSION}', '-d', work])
        sdist = glob.glob(osp.join(work, f'mmcv-{MMCV_VERSION}.tar.gz'))[0]
        with tarfile.open(sdist) as tar:
            tar.extractall(work, filter='data')
        src = osp.join(work, f'mmcv-{MMCV_VERSION}')
        setup_py = osp.join(src, 'setup.py')
        with open(setup_py) as f:
            text = f.read()
        with open(setup_py, 'w') as f:
            f.write(patch_cxx_standard(
                text, required_cxx_standard(torch.__version__)))
        env = dict(os.environ, MMCV_WITH_OPS='1',
                   FORCE_CUDA='1' if with_cuda else '0', MAX_JOBS=str(jobs))
        out = osp.join(work, 'dist')
        _run([sys.executable, '-m', 'pip', 'wheel', '--no-deps',
              '--no-build-isolation', src, '-w', out], env=env)
        wheel = glob.glob(osp.join(out, 'mmcv-*.whl'))[0]
        os.makedirs(folder, exist_ok=True)
        target = osp.join(folder, osp.basename(wheel))
        shutil.copy(wheel, target + '.partial')
        os.replace(target + '.partial', target)  # atomic: no half wheels
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--cache', default=osp.expanduser(
        os.environ.get('BIMEM_WHEEL_CACHE', '~/.cache/bimem_mm/wheels')))
    parser.add_argument('--cuda', choices=['auto', 'yes', 'no'],
                        default='auto', help='build the CUDA ops')
    parser.add_argument('--jobs', type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if args.cuda == 'auto':
        import torch
        with_cuda = bool(torch.cuda.is_available() and shutil.which('nvcc'))
    else:
        with_cuda = args.cuda == 'yes'
    print(build_wheel(args.cache, with_cuda, args.jobs))


if __name__ == '__main__':
    main()
