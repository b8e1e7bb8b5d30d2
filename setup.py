"""Install bimem_mm. The OpenMMLab stack is installed by tools/setup_env.sh."""
import os.path as osp

from setuptools import find_packages, setup


def read_requirements(name):
    """Requirement lines of requirements/<name>.txt, without comments."""
    path = osp.join(osp.dirname(__file__), 'requirements', f'{name}.txt')
    with open(path) as f:
        return [line.strip() for line in f
                if line.strip() and not line.startswith(('#', '-'))]


def version():
    scope = {}
    with open(osp.join(osp.dirname(__file__), 'bimem_mm', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


setup(
    name='bimem_mm',
    version=version(),
    description='BiMem black-box unsupervised domain adaptation for '
                'OpenMMLab (mmseg, mmdet, mmpretrain)',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(exclude=('configs', 'tools', 'tests', 'docs')),
    python_requires='>=3.9',
    install_requires=read_requirements('runtime'),
    extras_require={
        'mim': read_requirements('mminstall'),
        'tests': read_requirements('tests'),
        'optional': read_requirements('optional'),
        'all': (read_requirements('mminstall') + read_requirements('tests')
                + read_requirements('optional')),
    },
    license='Apache-2.0',
    zip_safe=False,
)
