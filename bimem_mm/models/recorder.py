"""Record what named layers of a model compute during one forward.

The idea of mmrazor's recorders, in plain PyTorch: forward hooks on the
submodules named by dotted paths, registered only for the duration of a
``with`` block, so a model's ordinary ``loss``/``predict`` never pays for
them and a deep copy (the EMA teacher) carries none.

Layer naming rule (docs/extending.md):

* ``'decode_head.bottleneck'``: the *output* of the submodule of that name
  in ``model.named_modules()``; a tuple/list output gives its last item,
  recursively (mmpretrain necks and backbones return tuples of stages).
* ``'roi_head.bbox_head.fc_cls:input'``: the first positional *input* of
  that submodule (what a classifier layer sees).
"""
from typing import Dict, Optional, Tuple

import torch
from torch import nn

INPUT_SUFFIX = ':input'


def parse_layer(name: str) -> Tuple[str, bool]:
    """``'a.b:input'`` -> ``('a.b', True)``; ``'a.b'`` -> ``('a.b', False)``."""
    if not isinstance(name, str) or not name.strip(':'):
        raise ValueError(f'a layer name must be a dotted module path such as '
                         f"'decode_head.bottleneck', got {name!r}")
    if name.endswith(INPUT_SUFFIX):
        return name[:-len(INPUT_SUFFIX)], True
    if ':' in name:
        raise ValueError(f'layer {name!r}: the only suffix is '
                         f"'{INPUT_SUFFIX}'")
    return name, False


def units_config(defaults: dict, units: Optional[dict], owner: str) -> dict:
    """``defaults`` (``features``/``logits`` layer names) updated by a
    config's ``units``, checked: known keys, a features layer, valid names."""
    out = dict(defaults)
    unknown = set(units or {}) - set(out)
    if unknown:
        raise TypeError(f'{owner} units: unknown keys {sorted(unknown)}; '
                        f'known: {sorted(out)}')
    out.update(units or {})
    if out.get('features') is None:
        raise ValueError(f'{owner} needs units.features: the layer holding '
                         'the unit features (docs/extending.md)')
    for name in out.values():
        if name is not None:
            parse_layer(name)
    return out


def find_layer(model: nn.Module, name: str) -> nn.Module:
    """The submodule a layer name refers to, or a clear error."""
    path, _ = parse_layer(name)
    try:
        return model.get_submodule(path)
    except AttributeError:
        pass
    tail = path.split('.')[-1]
    near = [n for n, _ in model.named_modules()
            if n.split('.')[-1] == tail][:5]
    hint = f'; layers named {tail!r}: {near}' if near else ''
    raise KeyError(f'{type(model).__name__} has no layer {path!r}{hint} '
                   '(list them with tools/list_layers.py CONFIG)')


def _width(module: nn.Module, attrs) -> Optional[int]:
    for attr in attrs:
        value = getattr(module, attr, None)
        if isinstance(value, int):
            return value
    return None


def layer_dim(model: nn.Module, name: str) -> int:
    """Channels of what a layer name records, read from the module.

    Output: ``out_channels``/``out_features`` of the module, else of its
    last submodule that has one (``nn.Sequential`` blocks, conv modules).
    Input: ``in_channels``/``in_features`` of the module, else of its first
    submodule that has one. Raises ``ValueError`` when no such attribute
    exists (set the refiner's ``feat_dim`` then).
    """
    path, is_input = parse_layer(name)
    module = find_layer(model, name)
    attrs = ('in_channels', 'in_features') if is_input else (
        'out_channels', 'out_features')
    subs = [m for _, m in module.named_modules()]
    for sub in (subs if is_input else [module] + subs[::-1]):
        width = _width(sub, attrs)
        if width is not None:
            return width
    raise ValueError(f'cannot read the width of layer {name!r} '
                     f'({type(module).__name__}): set refiner.feat_dim')


class LayerRecorder:
    """Forward hooks on named layers, live inside a ``with`` block.

    Args:
        model: the module the names are relative to.
        layers: key -> layer name (see the module docstring); a ``None``
            name records nothing for that key.

    After the block, ``recorder[key]`` is the tensor the layer produced (or
    received) at its last call. Example::

        with LayerRecorder(segmentor, dict(features='decode_head.bottleneck')
                           ) as rec:
            logits = segmentor(inputs, mode='tensor')
        feats = rec['features']           # (B, D, h, w)
    """

    def __init__(self, model: nn.Module, layers: Dict[str, Optional[str]]):
        self.model = model
        self.layers = {k: v for k, v in layers.items() if v is not None}
        self.records: Dict[str, torch.Tensor] = {}
        self._handles = []

    def _hook(self, key: str, is_input: bool):
        def record(module, args, output):
            value = args[0] if is_input else output
            while isinstance(value, (tuple, list)) and value:
                value = value[-1]
            self.records[key] = value
        return record

    def __enter__(self) -> 'LayerRecorder':
        self.records = {}
        for key, name in self.layers.items():
            module = find_layer(self.model, name)
            self._handles.append(module.register_forward_hook(
                self._hook(key, parse_layer(name)[1])))
        return self

    def __exit__(self, *exc) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def __contains__(self, key: str) -> bool:
        return key in self.records

    def __getitem__(self, key: str) -> torch.Tensor:
        if key not in self.records:
            raise RuntimeError(
                f'layer {self.layers.get(key)!r} ({key}) did not run in the '
                f'forward of {type(self.model).__name__} (a module whose '
                '.forward is called directly fires no hook: name one of its '
                'submodules)')
        return self.records[key]
