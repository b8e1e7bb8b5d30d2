"""List the layers of a config's model with what they produce on one batch.

``python tools/list_layers.py CONFIG [--filter decode_head] [--cfg-options ...]``

Prints one line per layer that ran: its name (as BiMem's ``units.features``
takes it), type and output shape (the last item of a tuple output), and for
linear/conv layers also ``NAME:input`` with the shape of their input. For a
BiMem config the names are those of the wrapped task model (``model.model``).
The batch is the first of ``--loader`` (default the val loader, through the
model's data preprocessor); weights are random (nothing is downloaded).
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

from _cli import REPO  # noqa: E402,F401  (puts this checkout on sys.path)


def parse_args(argv=None):
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--filter', default='',
                        help='only layers whose name contains this')
    parser.add_argument('--loader', default='val_dataloader',
                        help='config key of the dataloader of the batch')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


def _shape(value):
    while isinstance(value, (tuple, list)) and value:
        value = value[-1]
    return tuple(value.shape) if hasattr(value, 'shape') else None


def layer_shapes(model, inputs, data_samples):
    """[(name, type, shape)] of every layer that ran, in call order."""
    import torch
    from torch import nn
    rows, handles = [], []

    def hook(name):
        def record(module, args, output):
            shape = _shape(output)
            if shape is not None:
                rows.append((name, type(module).__name__, shape))
            if isinstance(module, (nn.Linear, nn.Conv2d)) and args:
                rows.append((f'{name}:input', type(module).__name__,
                             _shape(args[0])))
        return record

    for name, module in model.named_modules():
        if name:
            handles.append(module.register_forward_hook(hook(name)))
    try:
        with torch.no_grad():
            model(inputs, data_samples, mode='tensor')
    finally:
        for handle in handles:
            handle.remove()
    seen, out = set(), []
    for row in rows:           # a layer called twice is listed once
        if row[0] not in seen:
            seen.add(row[0])
            out.append(row)
    return out


def main(argv=None):
    args = parse_args(argv)
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner

    import bimem_mm  # noqa: F401
    from bimem_mm.models.model_config import resolve_model_cfg
    from bimem_mm.registry import MODELS
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'bimem_mm'))
    model_cfg = cfg.model
    if 'refiner' in model_cfg:          # a BiMem wrapper: its task model
        model_cfg = resolve_model_cfg(dict(model_cfg.model))
    model = MODELS.build(model_cfg).eval()
    if args.loader not in cfg or cfg[args.loader] is None:
        raise SystemExit(f'{args.config}: no {args.loader} to take a batch '
                         'from (use --loader)')
    loader = Runner.build_dataloader(cfg[args.loader])
    batch = model.data_preprocessor(next(iter(loader)), False)
    rows = layer_shapes(model, batch['inputs'], batch['data_samples'])
    width = max((len(r[0]) for r in rows), default=10)
    print(f'{"layer":<{width}}  {"type":<28} output shape')
    for name, kind, shape in rows:
        if args.filter in name:
            print(f'{name:<{width}}  {kind:<28} {shape}')


if __name__ == '__main__':
    main()
