"""cfg-options that address a pipeline step by its transform type.

``train_dataloader.dataset.pipeline.0.store=...`` breaks as soon as a
config adds or removes a step; :func:`step_options` finds the steps of a
given type in the config the stage runs and addresses them by index.
"""
from typing import List

from .paper_options import load


def _is(step, transform: str) -> bool:
    kind = step.get('type', '') if isinstance(step, dict) else ''
    return isinstance(kind, str) and kind.rpartition('.')[2] == transform


def step_options(config: str, loader: str, transform: str,
                 **values) -> List[str]:
    """``KEY=VALUE`` cfg-options setting ``values`` on every step of type
    ``transform`` (with or without a scope prefix, e.g.
    ``LoadBlackBoxPrediction``) in ``loader``'s dataset pipeline of
    ``config`` (a checkout path); [] when the loader or step is absent.
    Values are written with ``repr`` (lists, tuples, strings)."""
    cfg = load(config)
    dataset = (cfg.get(loader) or {}).get('dataset') or {}
    pipeline = dataset.get('pipeline') or []
    return [f'{loader}.dataset.pipeline.{i}.{key}={_text(value)}'
            for i, step in enumerate(pipeline) if _is(step, transform)
            for key, value in values.items()]


def _text(value) -> str:
    if isinstance(value, str):
        return value
    return repr(value).replace(' ', '')
