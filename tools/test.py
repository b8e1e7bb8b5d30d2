"""Evaluate a checkpoint: ``python tools/test.py CONFIG CHECKPOINT``.

The same flags as mmseg/mmdet/mmpretrain's ``tools/test.py``, plus
``--metrics-out FILE.json`` to write the metrics (atomically).
"""
import argparse
import json
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

from _cli import (  # noqa: E402
    add_common_args,
    add_load_args,
    build_runner,
    check_checkpoint,
    load_config,
    prepare_runtime,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Test (evaluate) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out', help='dump the raw predictions to a pickle')
    parser.add_argument('--metrics-out', help='write the metrics as JSON')
    add_common_args(parser)
    add_load_args(parser)
    return parser.parse_args(argv)


def write_json_atomic(obj, path):
    """Write ``obj`` as JSON via a temporary file and a rename."""
    from bimem_mm.compat.atomic import atomic_write
    atomic_write(path, lambda f: json.dump(obj, f, indent=2), mode='w')


def json_value(value):
    """A metric as JSON: a float, or a list of them for per-class metrics
    (e.g. mmpretrain's ``single-label/recall_classwise``)."""
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if getattr(value, 'ndim', 0) > 0:       # numpy / torch arrays
        return [json_value(v) for v in value.tolist()]
    return float(value)


def main(argv=None):
    args = parse_args(argv)
    prepare_runtime(args)
    cfg = load_config(args)
    cfg.load_from = args.checkpoint
    cfg.resume = False
    if args.out is not None:
        cfg.test_evaluator = list(cfg.test_evaluator) if isinstance(
            cfg.test_evaluator, (list, tuple)) else [cfg.test_evaluator]
        cfg.test_evaluator.append(dict(type='DumpResults', out_file_path=args.out))
    runner = build_runner(cfg)
    check_checkpoint(runner.model, args.checkpoint, args)
    metrics = runner.test()
    metrics = {k: json_value(v) for k, v in metrics.items()}
    print(json.dumps(metrics, indent=2))
    if args.metrics_out:
        write_json_atomic(metrics, args.metrics_out)
    return metrics


if __name__ == '__main__':
    main()
