"""Train a model: ``python tools/train.py CONFIG [--work-dir W] [--resume]``.

The same flags as mmseg/mmdet/mmpretrain's ``tools/train.py``. Checkpoints
are saved atomically and loaded weights-only (see ``bimem_mm.compat``).
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

from _cli import add_common_args, build_runner, load_config, prepare_runtime  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from the given checkpoint, or from the latest one in '
        'the work dir when no path is given')
    parser.add_argument('--amp', action='store_true',
                        help='enable automatic mixed precision training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the learning rate by the batch size')
    add_common_args(parser)
    return parser.parse_args(argv)


def merge_train_args(cfg, args):
    """Apply --amp, --resume and --auto-scale-lr to the config."""
    if args.amp:
        wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if wrapper not in ('AmpOptimWrapper', 'mmengine.AmpOptimWrapper'):
            cfg.optim_wrapper.type = 'AmpOptimWrapper'
            cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        cfg.setdefault('auto_scale_lr', {})['enable'] = True
    return cfg


def check_resume(args) -> None:
    """Exit with a one-line error unless --resume FILE is a training
    checkpoint (not an init_memory output or a weights-only file)."""
    if args.resume in (None, 'auto'):
        return
    from bimem_mm.compat import CorruptCheckpointError, UnsafeCheckpointError
    from bimem_mm.compat.weights import (
        CheckpointMismatchError,
        check_resumable,
    )
    try:
        check_resumable(args.resume)
    except (CheckpointMismatchError, CorruptCheckpointError,
            UnsafeCheckpointError) as err:
        raise SystemExit(f'error: {err}') from None


def main(argv=None):
    args = parse_args(argv)
    prepare_runtime(args)
    check_resume(args)
    cfg = merge_train_args(load_config(args), args)
    runner = build_runner(cfg)
    runner.train()


if __name__ == '__main__':
    main()
