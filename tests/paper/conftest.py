"""The miniature datasets, written once per test session."""
import pytest


@pytest.fixture(scope='session')
def mini_root(tmp_path_factory):
    from bimem_mm.datasets.miniature import make_miniature
    root = tmp_path_factory.mktemp('data_mini')
    make_miniature(str(root))
    return root
