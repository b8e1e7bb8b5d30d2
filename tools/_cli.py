"""Argument handling shared by tools/train.py and tools/test.py."""
import argparse
import os
import os.path as osp
import sys

from mmengine.config import Config, DictAction

# the tools of a checkout run that checkout's bimem_mm, installed or not
REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(1, REPO)


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """Flags that train.py and test.py share with mmseg/mmdet/mmpretrain."""
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config, key=value pairs like '
        '"optim_wrapper.optimizer.lr=0.01"')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    parser.add_argument(
        '--trust-checkpoint', action='store_true',
        help='load checkpoints with full pickle (runs code stored in the '
        'file): only for files you trust. Default: weights-only loading')


def add_load_args(parser: argparse.ArgumentParser) -> None:
    """--allow-partial, for the tools that load a --checkpoint's weights."""
    parser.add_argument(
        '--allow-partial', action='store_true',
        help='load a checkpoint whose keys or shapes do not all fit the '
        'model (a WARNING lists them). Default: refuse it (beyond the '
        'teacher copy, the memories and sample counters)')


def check_checkpoint(model, filename, args) -> None:
    """Exit with a one-line error unless ``filename`` fits ``model``."""
    from bimem_mm.compat.weights import (
        CheckpointMismatchError,
        check_checkpoint_fits,
    )
    try:
        check_checkpoint_fits(model, filename,
                              getattr(args, 'allow_partial', False))
    except (CheckpointMismatchError, RuntimeError) as err:
        raise SystemExit(f'error: {err}') from None


def load_config(args) -> Config:
    """Read the config, apply --cfg-options, --launcher and --work-dir."""
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    return cfg


def prepare_runtime(args) -> None:
    """Import bimem_mm and install the checkpoint compatibility layer."""
    import bimem_mm  # noqa: F401  (registers the bimem_mm scope)
    from bimem_mm import compat

    compat.apply()
    compat.trust_checkpoints(args.trust_checkpoint)


def build_runner(cfg: Config):
    """Build the runner named by ``runner_type`` (default MMEngine's)."""
    from mmengine.registry import RUNNERS
    from mmengine.runner import Runner

    if 'runner_type' not in cfg:
        return Runner.from_cfg(cfg)
    return RUNNERS.build(cfg)
