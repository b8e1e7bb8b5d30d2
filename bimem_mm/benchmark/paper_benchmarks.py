"""The paper benchmarks: each (source, target) pair the committed configs
support, the config of each method, its metric and dataset folder."""
from dataclasses import dataclass, field
from typing import Dict, Sequence, Tuple

ADAPT_METHODS = ('warmup', 'dine', 'bimem', 'bimem_no_short',
                 'bimem_no_long', 'bimem_plus')


@dataclass(frozen=True)
class Benchmark:
    """One paper benchmark: a (source, target) pair and its configs.

    Attributes:
        name: e.g. ``'office31/a2w'``, ``'gta5->cityscapes'``.
        task: ``'cls'``, ``'seg'`` or ``'det'``.
        configs: method -> config path (relative to the checkout);
            ``black_box`` is the default black-box model config.
        metric: (name, key in tools/test.py's metrics); a list-valued key
            (per-class numbers) is averaged.
        num_classes: classes of the target model (checked against a store).
        dataset: folder of the target dataset under the data root.
        target_prefix: classification: ``data_prefix`` of the target domain
            (how the pair is chosen).
        predict_args: tools/predict_blackbox.py arguments.
        metric_scale: e.g. 100 for metrics reported in [0, 1].
        note: one line for ``--list``.
    """
    name: str
    task: str
    configs: Dict[str, str]
    metric: Tuple[str, str]
    num_classes: int
    dataset: str
    target_prefix: str = ''
    predict_args: Tuple[str, ...] = ()
    metric_scale: float = 1.0
    note: str = ''
    methods: Tuple[str, ...] = field(init=False)

    def __post_init__(self):
        methods = ('black_box', ) + ADAPT_METHODS
        if 'oracle' in self.configs:
            methods += ('oracle', )
        object.__setattr__(self, 'methods', methods)


def _cls(dataset: str, folder: str, net: str, num_classes: int,
         pairs: Dict[str, Tuple[str, str]], metric=('top1', 'accuracy/top1'),
         note: str = '') -> Dict[str, Benchmark]:
    root = f'configs/cls/{dataset}'
    configs = {m: f'{root}/{m}_{net}_{dataset}.py'
               for m in ('warmup', 'dine', 'bimem', 'bimem_plus')}
    configs['black_box'] = f'{root}/blackbox_{net}_{dataset}.py'
    return {f'{dataset}/{pair}': Benchmark(
        f'{dataset}/{pair}', 'cls', configs, metric, num_classes, folder,
        target_prefix=prefix, predict_args=('--mode', 'topk', '--k', '5'),
        note=note or f'{source} -> {target}')
        for pair, (source, target, prefix) in pairs.items()}


def _domain_pairs(domains: Dict[str, str], suffix: str = ''):
    """{'a2w': ('amazon', 'webcam', 'webcam/images'), ...}: every ordered
    pair of domains, with the target's ``data_prefix``."""
    return {f'{s}2{t}': (domains[s], domains[t], f'{domains[t]}{suffix}')
            for s in domains for t in domains if s != t}


OFFICE31 = {'a': 'amazon', 'd': 'dslr', 'w': 'webcam'}
OFFICEHOME = {'ar': 'Art', 'cl': 'Clipart', 'pr': 'Product',
              'rw': 'Real_World'}
# seg: top-3 per pixel at 1/4 resolution, where the units live
# (docs/segmentation.md, "Store size")
SEG_PREDICT = ('--mode', 'topk', '--k', '3', '--downscale', '4')


def _seg(source: str, folder: str, num_classes: int, metric,
         note: str) -> Benchmark:
    root = f'configs/seg/{source}_to_cityscapes'
    configs = {m: f'{root}/{m}_deeplabv2_r101_{source}.py'
               for m in ('warmup', 'dine', 'bimem', 'bimem_plus')}
    configs['black_box'] = f'{root}/blackbox_deeplabv2_r101_{source}.py'
    return Benchmark(f'{source}->cityscapes', 'seg', configs, metric,
                     num_classes, folder, predict_args=SEG_PREDICT,
                     note=note)


BENCHMARKS: Dict[str, Benchmark] = {
    **_cls('office31', 'office31', 'resnet50', 31,
           _domain_pairs(OFFICE31, '/images')),
    **_cls('officehome', 'office_home', 'resnet50', 65,
           _domain_pairs(OFFICEHOME)),
    # the VisDA protocol reports the mean of the 12 per-class accuracies
    **_cls('visda2017', 'visda2017', 'resnet101', 12,
           {'syn2real': ('train', 'validation', 'validation')},
           metric=('mean_class_acc', 'single-label/recall_classwise'),
           note='train (synthetic) -> validation (real), mean class '
           'accuracy'),
    'gta5->cityscapes': _seg('gta5', 'cityscapes', 19, ('mIoU', 'mIoU'),
                             'GTA5 -> Cityscapes val, 19 classes'),
    # mIoU over the 16 classes; the 13-class mIoU13 is in the same
    # metrics.json (<out>/.../<method>/test/metrics.json)
    'synthia->cityscapes': _seg('synthia', 'cityscapes', 16,
                                ('mIoU16', 'mIoU'),
                                'SYNTHIA -> Cityscapes val, 16 classes '
                                '(mIoU13 in metrics.json)'),
    'cityscapes->foggy': Benchmark(
        'cityscapes->foggy', 'det', {
            'black_box': 'configs/det/cityscapes_foggy/'
            'source_only_cityscapes.py',
            'warmup': 'configs/det/cityscapes_foggy/warmup_foggy.py',
            'dine': 'configs/det/cityscapes_foggy/dine_foggy.py',
            'bimem': 'configs/det/cityscapes_foggy/bimem_foggy.py',
            'bimem_plus': 'configs/det/cityscapes_foggy/bimem_plus_foggy.py',
            'oracle': 'configs/det/cityscapes_foggy/oracle_foggy.py'},
        ('mAP50', 'pascal_voc/mAP'), 8, 'foggy_cityscapes',
        predict_args=('--batch-size', '4'), metric_scale=100.0,
        note='Cityscapes -> Foggy Cityscapes (beta 0.02) val, mAP@0.5'),
}


class PaperSetupError(ValueError):
    """A paper benchmark cannot run as asked (the message says why)."""


def get(name: str) -> Benchmark:
    """The benchmark ``name``; the error lists the known ones."""
    if name not in BENCHMARKS:
        raise PaperSetupError(f'unknown paper benchmark {name!r}; known: '
                              f'{", ".join(BENCHMARKS)}')
    return BENCHMARKS[name]


def listing() -> str:
    """The table printed by ``tools/benchmark.py --list``."""
    lines = [f'{"benchmark":<22s} {"task":<4s} {"metric":<14s} methods '
             '(configs: --suite paper --dry-run)']
    for b in BENCHMARKS.values():
        lines.append(f'{b.name:<22s} {b.task:<4s} {b.metric[0]:<14s} '
                     f'{",".join(b.methods)}')
        lines.append(f'{"":<22s} {b.note}; data: <data-root>/{b.dataset}')
    return '\n'.join(lines)


def per_benchmark(specs: Sequence[str], names: Sequence[str],
                  flag: str) -> Dict[str, str]:
    """``[NAME=]VALUE`` specs -> {benchmark: value}: a bare value applies
    to every benchmark in ``names`` that no ``NAME=`` spec names."""
    bare, named = [], {}
    for spec in specs or ():
        name, sep, value = spec.partition('=')
        if sep and name in BENCHMARKS:
            if name not in names:
                raise PaperSetupError(f'{flag} {spec}: {name} is not one of '
                                      f'the --benchmark names {list(names)}')
            named[name] = value
        else:
            bare.append(spec)
    if len(bare) > 1:
        raise PaperSetupError(f'{flag}: {len(bare)} values without NAME=; '
                              'give one for all benchmarks, or NAME=VALUE')
    return {**{n: bare[0] for n in names if bare}, **named}
