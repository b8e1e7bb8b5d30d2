"""Query a black box over the target images and write a prediction store.

    # an OpenMMLab model as the black box (config + checkpoint)
    python tools/predict_blackbox.py TARGET_CONFIG --out STORE \\
        --model BB_CONFIG --checkpoint BB_CKPT [--mode topk --k 5]
    # any Python callable (a stand-in for a remote prediction API)
    python tools/predict_blackbox.py TARGET_CONFIG --out STORE \\
        --callable my_pkg.my_api:predict

``TARGET_CONFIG`` names the target images: its ``<split>_dataloader``
dataset (default: the training set, built without labels). For a model,
the images go through the black box's own test pipeline; a callable gets
a list of uint8 HWC images and returns one prediction per image (for
classification (C,) probabilities; see ``bimem_mm.<task>.blackbox``). Only
the outputs are kept: the store records where they came from, nothing of
the model itself.
"""
import argparse
import importlib
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
from mmengine.config import DictAction  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='config naming the target images')
    parser.add_argument('--out', required=True, help='store directory')
    box = parser.add_mutually_exclusive_group(required=True)
    box.add_argument('--model', help='black-box model config')
    box.add_argument('--callable', help='module:function black box')
    parser.add_argument('--checkpoint', help='black-box model checkpoint')
    parser.add_argument('--task', default='cls', choices=['cls', 'seg', 'det'])
    parser.add_argument('--split', default='train',
                        choices=['train', 'val', 'test'])
    parser.add_argument('--mode', default='topk',
                        choices=['probs', 'topk', 'hard'])
    parser.add_argument('--k', type=int, default=5)
    parser.add_argument('--downscale', type=float, default=1,
                        help='seg: store maps at 1/downscale of the image '
                        'size (area-averaged)')
    parser.add_argument('--dtype', default='float16',
                        choices=['float16', 'float32'])
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--score-thr', type=float, default=0.0,
                        help='det: drop boxes scoring below this')
    parser.add_argument('--key-root', default=None,
                        help='image keys are paths relative to this folder '
                        '(default: the key_root of the config\'s '
                        'LoadBlackBoxPrediction, so keys match training)')
    parser.add_argument('--device', default=None)
    parser.add_argument('--model-cfg-options', nargs='+', action=DictAction,
                        help="override settings of the black box's model "
                        'config (--model), e.g. the image size of its test '
                        'pipeline, which is how the images reach it')
    add_common_args(parser)
    add_load_args(parser)
    parser.add_argument('--overwrite', action='store_true',
                        help='replace a complete store at --out')
    return parser.parse_args(argv)


def target_dataset_cfg(cfg, split, pipeline):
    """The target dataset config of ``split`` with ``pipeline``; no labels."""
    import copy
    ds = copy.deepcopy(cfg[f'{split}_dataloader']['dataset'])
    inner = ds
    while 'dataset' in inner:          # RepeatDataset and friends
        inner = inner['dataset']
    inner['pipeline'] = pipeline
    if 'with_label' in inner or inner.get('type', '').endswith('Npz'
                                                               'Dataset'):
        inner['with_label'] = False
    return ds


def configured_key_root(cfg, split):
    """key_root of the LoadBlackBoxPrediction in the config's pipeline."""
    ds = cfg[f'{split}_dataloader']['dataset']
    while 'dataset' in ds:
        ds = ds['dataset']
    for t in ds.get('pipeline', []):
        # LoadBlackBoxPrediction and its seg/det subclasses
        if 'LoadBlackBox' in str(t.get('type', '')):
            return t.get('key_root')
    return None


def task_adapter(task):
    """The module turning a task's black-box outputs into store records."""
    return importlib.import_module(f'bimem_mm.{task}.blackbox')


def model_predictions(args, cfg):
    """Yield the image count, then (data_info, record) per image."""
    import torch
    from mmengine.config import Config
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import DATASETS, MODELS, init_default_scope
    from mmengine.runner import load_checkpoint
    from torch.utils.data import DataLoader

    bb_cfg = Config.fromfile(args.model)
    if args.model_cfg_options:
        bb_cfg.merge_from_dict(args.model_cfg_options)
    init_default_scope(bb_cfg.get('default_scope', 'mmengine'))
    device = args.device or ('cuda' if torch.cuda.is_available() else 'cpu')
    model = MODELS.build(bb_cfg.model).to(device).eval()
    if args.checkpoint:
        check_checkpoint(model, args.checkpoint, args)
        load_checkpoint(model, args.checkpoint, map_location='cpu')
    pipeline = bb_cfg.test_dataloader.dataset.pipeline
    dataset = DATASETS.build(target_dataset_cfg(cfg, args.split, pipeline))
    args.dataset_classes = dataset.metainfo.get('classes')
    loader = DataLoader(dataset, batch_size=args.batch_size,
                        collate_fn=pseudo_collate, num_workers=0)
    yield len(dataset)
    index = 0
    for data in loader:
        with torch.no_grad():
            outs = model.test_step(data)
        for out in outs:
            info = dataset.get_data_info(index)
            yield info, task_adapter(args.task).record_from_model(
                out, info, args)
            index += 1


def callable_predictions(args, cfg):
    """Yield the image count, then (data_info, record) per image."""
    from mmengine.registry import DATASETS, init_default_scope

    module, _, name = args.callable.partition(':')
    fn = getattr(importlib.import_module(module), name)
    init_default_scope(cfg.get('default_scope', 'mmengine'))
    dataset = DATASETS.build(target_dataset_cfg(cfg, args.split, []))
    args.dataset_classes = dataset.metainfo.get('classes')
    yield len(dataset)
    for start in range(0, len(dataset), args.batch_size):
        infos = [dataset.get_data_info(i) for i in
                 range(start, min(start + args.batch_size, len(dataset)))]
        outputs = list(fn([image_of(info) for info in infos]))
        if len(outputs) != len(infos):
            raise ValueError(f'{args.callable} returned {len(outputs)} '
                             f'predictions for {len(infos)} images')
        adapter = task_adapter(args.task)
        for info, out in zip(infos, outputs):
            yield info, adapter.record_from_callable(out, info, args)


def image_of(info):
    """A sample's uint8 HWC RGB image: in memory (``img``) or read from
    ``img_path`` (file datasets: Cityscapes, Office-31, ...)."""
    if info.get('img') is not None:
        return info['img']
    import mmcv
    img = mmcv.imread(info['img_path'], channel_order='rgb')
    if img is None:
        raise ValueError(f"{info['img_path']}: cannot read the image")
    return img


def class_names(cfg, args, num_classes):
    """The store's class names: the config's ``classes``, else the target
    dataset's metainfo, else '0'..'C-1'."""
    names = cfg.get('classes', None) or getattr(args, 'dataset_classes',
                                                None)
    if names and len(names) == num_classes:
        return [str(c) for c in names]
    return [str(i) for i in range(num_classes)]


def main(argv=None):
    args = parse_args(argv)
    prepare_runtime(args)
    import numpy as np
    from mmengine.utils import ProgressBar

    from bimem_mm.datasets.transforms import sample_key
    from bimem_mm.store import PredictionWriter

    cfg = load_config(args)
    if cfg.get('custom_imports'):
        from mmengine.utils import import_modules_from_strings
        import_modules_from_strings(**cfg.custom_imports)
    if args.key_root is None:
        args.key_root = configured_key_root(cfg, args.split)
    if args.model and not args.checkpoint:
        raise SystemExit('--model needs --checkpoint')
    source = (dict(kind='model', config=args.model,
                   checkpoint=args.checkpoint) if args.model else
              dict(kind='callable', callable=args.callable))
    preds = model_predictions(args, cfg) if args.model else \
        callable_predictions(args, cfg)
    total = next(preds)
    if total == 0:
        raise SystemExit(f'{args.config}: the target {args.split} set is '
                         'empty')
    bar, writer = ProgressBar(total), None
    try:
        for info, record in preds:
            if writer is None:
                classes = class_names(cfg, args,
                                      np.shape(record['probs'])[-1])
                writer = PredictionWriter(args.out, args.task, classes,
                                          args.mode, args.k, args.dtype,
                                          source, overwrite=args.overwrite)
            writer.add(sample_key(info, args.key_root), **record)
            bar.update()
    except BaseException:
        if writer is not None:
            writer.abort()      # no manifest, and the store's lock released
        raise
    writer.close()
    print(f'\nwrote {len(writer)} predictions to {args.out}')


def run_cli():
    """main() with store errors (lock, existing store) as one line."""
    from bimem_mm.store import PredictionStoreError
    try:
        main()
    except PredictionStoreError as err:
        raise SystemExit(f'error: {err}') from None


if __name__ == '__main__':
    run_cli()
