"""cfg-options the paper suite derives from a config: image sizes scaled
down (``--image-scale``), ImageNet initialisation off (``--no-pretrained``)
and the offline check of the weights a config names.

The paper configs resolve their variables (``crop_size``, ``data_root``)
when they are read, so a top-level ``--cfg-options crop_size=...`` reaches
nothing; these helpers read the config and name each setting by its place
(``train_dataloader.dataset.pipeline.3.crop_size``), which works for every
stage's config whatever its pipeline looks like.
"""
import functools
import os
import os.path as osp
import threading
import warnings
from typing import Iterator, List, Optional, Sequence, Tuple

from . import stages

# transform keys holding an image size (pixels): (w, h), an int, or a list
SIZE_KEYS = ('scale', 'crop_size', 'img_scale')
LOADERS = ('train_dataloader', 'memory_init_dataloader', 'val_dataloader',
           'test_dataloader')
# one config read at a time: reading a ``pkg::`` base runs MMEngine's
# ``is_installed``, which reloads ``pkg_resources``; two --jobs threads
# reading configs at once then fail at random with "Expected str,
# Requirement, or Distribution"
_LOAD_LOCK = threading.Lock()


def split_options(text: str) -> List[str]:
    """``'a=1,b=(2,3),c=[1,2]'`` -> ``['a=1', 'b=(2,3)', 'c=[1,2]']``: split
    on the commas outside brackets and quotes."""
    out, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(text):
        if quote:
            quote = None if ch == quote else quote
        elif ch in '\'"':
            quote = ch
        elif ch in '([{':
            depth += 1
        elif ch in ')]}':
            depth -= 1
        elif ch == ',' and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    if depth or quote:
        raise ValueError(f'{text!r}: unbalanced brackets or quotes')
    return [o.strip() for o in out if o.strip()]


@functools.lru_cache(maxsize=None)
def load(config: str, options: Tuple[str, ...] = ()):
    """The config (a checkout path or absolute) with ``KEY=VALUE``
    cfg-options, read once."""
    from mmengine.config import Config, DictAction
    with _LOAD_LOCK, warnings.catch_warnings():  # + the mm* import noise
        warnings.simplefilter('ignore')
        cfg = Config.fromfile(osp.join(stages.REPO, config),
                              import_custom_modules=False)
        if options:
            cfg.merge_from_dict({k: DictAction._parse_iterable(v)
                                 for k, _, v in
                                 (o.partition('=') for o in options)})
    return cfg


def _pipelines(cfg) -> Iterator[Tuple[str, list]]:
    """(cfg-option prefix, pipeline) of every dataloader's dataset,
    through wrappers (``RepeatDataset``)."""
    for loader in LOADERS:
        ds, prefix = (cfg.get(loader) or {}).get('dataset'), \
            f'{loader}.dataset'
        while isinstance(ds, dict):
            if isinstance(ds.get('pipeline'), list):
                yield prefix, ds['pipeline']
            ds, prefix = ds.get('dataset'), f'{prefix}.dataset'


def _scaled(value, factor: float):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return max(1, int(round(value * factor)))
    if isinstance(value, (list, tuple)):
        return type(value)(_scaled(v, factor) for v in value)
    return value


def _literal(value) -> str:
    """A value as DictAction parses it back (no spaces)."""
    return repr(value).replace(' ', '')


def size_options(config: str, factor: float) -> List[str]:
    """cfg-options multiplying every image size of every dataloader
    pipeline of ``config`` (``scale``, ``crop_size``) by ``factor``."""
    if factor == 1:
        return []
    opts = []
    for prefix, pipeline in _pipelines(load(config)):
        for i, t in enumerate(pipeline):
            for key in SIZE_KEYS:
                if isinstance(t, dict) and t.get(key) is not None:
                    opts.append(f'{prefix}.pipeline.{i}.{key}='
                                f'{_literal(_scaled(t[key], factor))}')
    return opts


def applicable(config: str, options: Sequence[str]) -> List[str]:
    """The ``options`` whose parent keys ``config`` has: the suite's
    ``--cfg-options`` go to every stage's config, but
    ``memory_init_dataloader.*`` skips the black-box configs (they have
    none) and ``model.model.*`` (the wrapped target model) skips the
    black box's own, unwrapped model; ``--method-options black_box:...``
    reaches that one."""
    cfg = load(config)

    def has_parent(key):
        node = cfg._cfg_dict
        for part in key.split('.')[:-1]:
            node = node.get(part)
            if not isinstance(node, dict):
                return False
        return True
    return [o for o in options if has_parent(o.partition('=')[0])]


def _pretrained(node, prefix: str) -> Iterator[Tuple[str, str]]:
    """(cfg-option key of an ``init_cfg``, its checkpoint) of every
    ``Pretrained`` initialisation under a model config."""
    if not isinstance(node, dict):
        return
    init = node.get('init_cfg')
    if isinstance(init, dict) and init.get('type') == 'Pretrained' and \
            init.get('checkpoint'):
        yield f'{prefix}.init_cfg', str(init['checkpoint'])
    for key, value in node.items():
        if key != 'init_cfg' and isinstance(value, dict):
            yield from _pretrained(value, f'{prefix}.{key}')


def pretrained(config: str, options: Sequence[str] = ()
               ) -> List[Tuple[str, str]]:
    """[(key, checkpoint)] of the pretrained weights ``config`` (with
    ``options``) loads when it starts training, e.g.
    ``('model.model.backbone.init_cfg', 'torchvision://resnet101')``."""
    return list(_pretrained(load(config, tuple(options)).get('model'),
                            'model'))


def no_pretrained_options(config: str) -> List[str]:
    """cfg-options initialising ``config``'s model at random (smoke runs)."""
    return [f'{key}=None' for key, _ in pretrained(config)]


def _hub_checkpoints() -> str:
    """Where MMEngine (torch.hub.load_state_dict_from_url) caches
    downloaded weights: ``$TORCH_HOME/hub/checkpoints``."""
    import torch.hub
    return osp.join(torch.hub.get_dir(), 'checkpoints')


def local_file(checkpoint: str) -> Optional[str]:
    """The file MMEngine loads for ``checkpoint`` without the network:
    a local path as given, a URL (or ``torchvision://``,
    ``open-mmlab://``, ``mmcls://`` name) in the torch cache, where MMEngine
    downloads it. None: a scheme this check does not know."""
    from mmengine.runner import checkpoint as ckpt
    url = checkpoint
    for scheme, table in (('torchvision://', ckpt.get_torchvision_models),
                          ('open-mmlab://', ckpt.get_external_models),
                          ('openmmlab://', ckpt.get_external_models),
                          ('mmcls://', ckpt.get_mmcls_models)):
        if checkpoint.startswith(scheme):
            url = table().get(checkpoint[len(scheme):])
            if url is None:
                return None
    if url.startswith(('http://', 'https://')):
        return osp.join(_hub_checkpoints(), url.split('/')[-1].split('?')[0])
    if '://' in url:
        return None
    return url


def _download(url: str, path: str, timeout: float = 30.0) -> None:
    """``url`` to ``path`` (atomically), as MMEngine would at training."""
    import shutil
    import urllib.request
    os.makedirs(osp.dirname(path), exist_ok=True)
    tmp = f'{path}.part{os.getpid()}'
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r, \
                open(tmp, 'wb') as f:
            shutil.copyfileobj(r, f)
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


def check_pretrained(configs: Sequence[Tuple[str, Sequence[str]]],
                     download=None) -> None:
    """Make sure the pretrained weights the training ``configs``
    ((config, its cfg-options) pairs) name are
    on this machine before anything runs: a missing file with a URL is
    downloaded now (where MMEngine would at the first training stage).

    Raises:
        FileNotFoundError: one line per file that is missing and cannot be
            fetched, naming the config key, the file and the ways out.
    """
    download = download or _download
    problems, seen = [], set()
    for config, options in configs:
        for key, checkpoint in pretrained(config, options):
            path = local_file(checkpoint)
            if checkpoint in seen or path is None or osp.isfile(path):
                continue
            seen.add(checkpoint)
            how = ''
            if '://' in checkpoint or path != checkpoint:
                url = checkpoint if checkpoint.startswith('http') else None
                if url is None:
                    from mmengine.runner import checkpoint as ckpt
                    scheme, _, name = checkpoint.partition('://')
                    url = {'torchvision': ckpt.get_torchvision_models,
                           'open-mmlab': ckpt.get_external_models,
                           'openmmlab': ckpt.get_external_models,
                           'mmcls': ckpt.get_mmcls_models}[scheme]()[name]
                try:
                    download(url, path)
                    continue
                except Exception as err:  # no network, HTTP error, disk
                    how = f' (download of {url} failed: {err})'
            problems.append(
                f'{config}: {key} loads {checkpoint}: {path} not found'
                f'{how}; put the file there, or point the configs at a local '
                f'copy with --cfg-options {key}.checkpoint=FILE, or run '
                'with --no-pretrained (random init: smoke runs only)')
    if problems:
        raise FileNotFoundError('\n'.join(problems))
