"""The black box a paper-scale benchmark is given (a model, a callable or
a prediction store) and the checks that it fits the benchmark
(:func:`black_box_for`, :func:`check_store`); :mod:`.paper` re-exports
them."""
import os.path as osp
from dataclasses import dataclass
from typing import Optional

from . import stages
from .paper_benchmarks import Benchmark, PaperSetupError


@dataclass
class BlackBox:
    """The given black box: a model (config + checkpoint), a Python
    callable (``module:function``, tools/predict_blackbox.py --callable) or
    a store."""
    config: Optional[str] = None
    checkpoint: Optional[str] = None
    store: Optional[str] = None
    callable: Optional[str] = None



def check_store(path: str, bench: Benchmark) -> None:
    """A complete prediction store of ``bench``'s task and classes."""
    manifest = osp.join(path, 'manifest.json')
    if not osp.isfile(manifest):
        raise PaperSetupError(
            f'--blackbox-store {path}: {manifest} not found; a store is the '
            'folder tools/predict_blackbox.py writes (manifest.json last, '
            'so a store without it is incomplete)')
    from ..store import PredictionStore, PredictionStoreError
    try:
        store = PredictionStore(path, validate=False)
    except PredictionStoreError as err:
        raise PaperSetupError(f'--blackbox-store {path}: {err}') from None
    if store.task != bench.task or store.num_classes != bench.num_classes:
        raise PaperSetupError(
            f'--blackbox-store {path}: {manifest} holds {store.task} '
            f'predictions over {store.num_classes} classes; {bench.name} '
            f'needs {bench.task} over {bench.num_classes}')


def black_box_for(bench: Benchmark, config: Optional[str],
                  checkpoint: Optional[str], store: Optional[str],
                  dry_run: bool = False,
                  callable_: Optional[str] = None) -> BlackBox:
    """Check the user's black box for ``bench``: a store (complete, of the
    right task), a callable (``module:function``), or a checkpoint
    (existing unless ``dry_run``) with a model config (default: the
    benchmark's black-box config)."""
    if sum(map(bool, (store, checkpoint or config, callable_))) > 1:
        raise PaperSetupError(
            f'{bench.name}: give one black box: --blackbox-store, '
            '--blackbox-callable or --blackbox-checkpoint (with '
            '--blackbox-config)')
    if callable_:
        if ':' not in callable_:
            raise PaperSetupError(f'--blackbox-callable {callable_}: '
                                  'expected module:function')
        return BlackBox(callable=callable_)
    if store:
        store = osp.abspath(store)
        check_store(store, bench)
        return BlackBox(store=store)
    if config and not checkpoint:
        raise PaperSetupError(f'{bench.name}: --blackbox-config {config} '
                              'needs --blackbox-checkpoint')
    if not checkpoint:
        return BlackBox()
    config = config or bench.configs['black_box']
    if not osp.isabs(config) and not osp.isfile(config):
        config = osp.join(stages.REPO, config)      # a checkout config
    if not osp.isfile(config):
        raise PaperSetupError(f'--blackbox-config {config}: no such file')
    checkpoint = osp.abspath(checkpoint)
    if not dry_run and not osp.isfile(checkpoint):
        raise PaperSetupError(f'--blackbox-checkpoint {checkpoint}: no such '
                              'file')
    return BlackBox(config=_relative(config), checkpoint=checkpoint)


def _relative(path: str) -> str:
    """A path inside the checkout relative to it (as the recipes name
    configs), anything else absolute."""
    path = osp.abspath(path)
    rel = osp.relpath(path, stages.REPO)
    return path if rel.startswith('..') else rel
