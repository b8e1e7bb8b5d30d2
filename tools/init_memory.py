"""Initialise BiMem's long-term memory from a warm-up checkpoint.

    python tools/init_memory.py BIMEM_CONFIG WARMUP_CKPT --out MEMORY_CKPT

Builds the BiMem model of ``BIMEM_CONFIG``, loads the warm-up weights into
student and teacher, runs the warm-up model once over the config's
``memory_init_dataloader`` (target training images, no augmentation, no
labels) and saves a checkpoint with the initialised memories. Train BiMem
from it with ``tools/train.py BIMEM_CONFIG --cfg-options load_from=MEMORY_CKPT``.
(``BiMemHook`` does the same pass itself when training starts with an
empty memory.)
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

from _cli import (  # noqa: E402
    add_common_args,
    add_load_args,
    check_checkpoint,
    load_config,
    prepare_runtime,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('config', help='BiMem config')
    parser.add_argument('checkpoint', help='warm-up checkpoint')
    parser.add_argument('--out', required=True, help='checkpoint to write')
    parser.add_argument('--device', default=None,
                        help='cuda or cpu (default: cuda when available)')
    add_common_args(parser)
    add_load_args(parser)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    prepare_runtime(args)
    import torch
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner, load_checkpoint

    from bimem_mm.compat.checkpoint import save_checkpoint
    from bimem_mm.engine import ema_update, initialize_memory
    from bimem_mm.registry import MODELS

    cfg = load_config(args)
    init_default_scope(cfg.get('default_scope', 'bimem_mm'))
    if cfg.get('custom_imports'):
        from mmengine.utils import import_modules_from_strings
        import_modules_from_strings(**cfg.custom_imports)
    if 'memory_init_dataloader' not in cfg:
        raise SystemExit(f'{args.config}: no memory_init_dataloader')
    device = args.device or ('cuda' if torch.cuda.is_available() else 'cpu')
    model = MODELS.build(cfg.model).to(device)
    check_checkpoint(model, args.checkpoint, args)
    load_checkpoint(model, args.checkpoint, map_location='cpu')
    ema_update(model.teacher, model.student, 0.0)
    loader = Runner.build_dataloader(cfg.memory_init_dataloader,
                                     seed=cfg.get('randomness', {}).get(
                                         'seed', 0))
    counts = initialize_memory(model, loader)
    save_checkpoint({'meta': {'warmup_checkpoint': args.checkpoint,
                              'vectors_per_class': counts.tolist()},
                     'state_dict': {k: v.cpu() for k, v in
                                    model.state_dict().items()}}, args.out)
    print(f'\nsaved {args.out}')


if __name__ == '__main__':
    main()
