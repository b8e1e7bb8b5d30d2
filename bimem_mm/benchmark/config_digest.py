"""What a stage's record knows of the config files its command names.

A stage record hashes its command line (:mod:`.stages`); a config named on
it is a path, so editing the file -- or one of its local ``_base_`` files --
left the line, and so the record, unchanged and a rerun into the same
``--out`` reused the stale stage. :func:`config_digest` hashes a config's
bytes and, recursively, those of its local ``_base_`` files; package bases
(``mmdet::...``) belong to an installed, pinned package and are named, not
read.
"""
import ast
import hashlib
import os.path as osp
from typing import List, Optional, Set


def local_bases(path: str, source: Optional[bytes] = None) -> List[str]:
    """The ``_base_`` files of the config ``path`` (its text ``source`` if
    already read) that lie beside it (resolved paths, in order); package
    bases (``pkg::...``) are left out. A config whose ``_base_`` is not a
    literal string or list has none."""
    if source is None:
        with open(path, 'rb') as f:
            source = f.read()
    tree = ast.parse(source, filename=path)
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == '_base_'):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return []
            names = [value] if isinstance(value, str) else list(value)
            return [osp.normpath(osp.join(osp.dirname(path), name))
                    for name in names
                    if isinstance(name, str) and '::' not in name]
    return []


def config_digest(path: str, _seen: Optional[Set[str]] = None) -> str:
    """sha256 of the config ``path``'s bytes and of its local ``_base_``
    files' digests (recursively; a base named twice is hashed once)."""
    seen = set() if _seen is None else _seen
    path = osp.abspath(path)
    seen.add(path)
    with open(path, 'rb') as f:
        source = f.read()
    h = hashlib.sha256(source)
    for base in local_bases(path, source):
        if base not in seen and osp.isfile(base):
            h.update(b'<' + config_digest(base, seen).encode() + b'>')
    return h.hexdigest()


def is_config(token: str) -> bool:
    """A command-line token naming an existing Python config file."""
    return token.endswith('.py') and osp.isfile(token)
