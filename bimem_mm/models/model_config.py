"""A task model named by a config file, as mmrazor's ``architecture``.

``model=dict(cfg_path='mmseg::segformer/segformer_mit-b0_8xb2-160k_ade20k-512x512.py',
backbone=dict(embed_dims=16))`` builds the ``model`` of that config (a file
of an installed OpenMMLab package, ``pkg::`` prefixed, or a path), with the
other keys merged into it by MMEngine's rules (``_delete_`` replaces a
dict, a key ``'0'`` merges into item 0 of a list).
"""
import os.path as osp

from mmengine.config import Config, ConfigDict


def resolve_model_cfg(model: dict) -> dict:
    """``model`` unchanged, or the named config's model with ``model``'s
    other keys merged into it (their ``_scope_`` is the package's)."""
    if 'cfg_path' not in model:
        return model
    overrides = {k: v for k, v in dict(model).items() if k != 'cfg_path'}
    path = model['cfg_path']
    if '::' not in path:
        path = osp.abspath(path)
    if '::' not in path and not osp.isfile(path):
        raise FileNotFoundError(f'model.cfg_path: no config file {path}')
    base = Config.fromstring(f'_base_ = [{path!r}]', '.py')
    if 'model' not in base:
        raise KeyError(f'model.cfg_path: {path} defines no `model`')
    # ConfigDict, as MMEngine hands configs to models (``test_cfg.mode``)
    return Config._merge_a_into_b(ConfigDict(overrides),
                                  ConfigDict(base.model.to_dict()),
                                  allow_list_keys=True)  # '0': list item
