"""Read and check a prediction store (see the package doc)."""
import json
import os
import re
import zipfile
import zlib

import numpy as np

from .errors import PredictionStoreError
from .format import DTYPES, FORMAT, MODES, TASKS, VERSION, check_record, expand_record
from .npz import check_members, check_npz

SHARD_NAME = re.compile(r'shard-\d+\.npz')
INT_FIELDS = ('version', 'num_classes', 'k', 'count')
REQUIRED = ('format', 'version', 'task', 'classes', 'num_classes', 'mode', 'k',
            'dtype', 'count', 'shards')
_READ_ERRORS = (OSError, zipfile.BadZipFile, EOFError, ValueError, KeyError,
                zlib.error)


class PredictionStore:
    """A prediction store on disk, read lazily, shard by shard.

    Args:
        root: store directory (holding ``manifest.json``).
        validate: read every record now and check it (:meth:`validate`).

    Attributes:
        manifest (dict), task, classes, num_classes (C), mode, k (K),
        keys (list[str], in write order; loaded on first use).
    """

    def __init__(self, root, validate=True):
        self.root = str(root)
        self.manifest = self._read_manifest()
        m = self.manifest
        self.task, self.classes, self.mode = m['task'], m['classes'], m['mode']
        self.num_classes, self.k, self.dtype = m['num_classes'], m['k'], m['dtype']
        self._files = [os.path.join(self.root, s['file']) for s in m['shards']]
        self._index = None  # key -> (shard, position)
        self._open, self._pid = {}, None
        if validate:
            self.validate()

    # -- manifest / shards ---------------------------------------------------
    def _read_manifest(self) -> dict:
        path = os.path.join(self.root, 'manifest.json')

        def bad(msg):
            raise PredictionStoreError(f'{path}: {msg}')

        if not os.path.isfile(path):
            bad('incomplete store: no manifest.json')
        try:
            with open(path, encoding='utf-8') as f:
                m = json.load(f)
        except (OSError, ValueError) as e:
            bad(f'invalid JSON ({e})')
        if not isinstance(m, dict):
            bad('manifest is not a JSON object')
        missing = [f for f in REQUIRED if f not in m]
        if missing:
            bad(f'missing field(s) {missing}')
        for name in INT_FIELDS:
            if type(m[name]) is not int or m[name] < 0:
                bad(f'{name} must be a non-negative integer, got '
                    f'{m[name]!r}')
        if m['format'] != FORMAT or m['version'] != VERSION:
            bad(f"format {m['format']!r} version {m['version']!r} is not "
                f'{FORMAT!r} version {VERSION}')
        c, k, mode = m['num_classes'], m['k'], m['mode']
        checks = [(m['task'] in TASKS, f"task {m['task']!r} not in {TASKS}"),
                  (mode in MODES, f'mode {mode!r} not in {MODES}'),
                  (m['dtype'] in DTYPES, f"dtype {m['dtype']!r} not in {DTYPES}"),
                  (isinstance(m['classes'], list) and len(m['classes']) == c,
                   f'num_classes {c!r} != number of class names'),
                  (isinstance(k, int) and 1 <= k <= c
                   and k == {'probs': c, 'hard': 1}.get(mode, k),
                   f'k={k!r} does not fit mode {mode!r} with C={c}')]
        for ok, msg in checks:
            if not ok:
                bad(msg)
        shards = m['shards']
        if not (isinstance(shards, list) and all(
                isinstance(s, dict) and isinstance(s.get('file'), str)
                and isinstance(s.get('count'), int) for s in shards)):
            bad('shards must be a list of {"file": str, "count": int}')
        real_root = os.path.realpath(self.root)
        for s in shards:
            real = os.path.realpath(os.path.join(self.root, s['file']))
            if (not SHARD_NAME.fullmatch(s['file']) or s['count'] < 0
                    or os.path.dirname(real) != real_root):
                bad(f"shard {s['file']!r} (count {s['count']}): shards must "
                    'be files named shard-<digits>.npz inside the store folder')
        if sum(s['count'] for s in shards) != m['count']:
            bad(f"count {m['count']} != sum of shard counts "
                f"{sum(s['count'] for s in shards)}")
        m.setdefault('source', {})
        return m

    def _shard(self, i: int):
        """Open shard ``i`` (cached per process, so forked workers reopen)."""
        if self._pid != os.getpid():
            self._open, self._pid = {}, os.getpid()
        if i not in self._open:
            path = self._files[i]
            if not os.path.isfile(path):
                raise PredictionStoreError(
                    f'{path}: shard listed in manifest.json is missing')
            check_npz(path)
            try:
                z = np.load(path, allow_pickle=False)
                if not isinstance(z, np.lib.npyio.NpzFile):
                    raise PredictionStoreError(f'{path}: not an npz archive')
                try:
                    check_members(z, path)
                except PredictionStoreError:
                    z.close()
                    raise
                members = {}
                for name in z.files:
                    pos, _, field = name.partition('/')
                    if field:
                        members.setdefault(int(pos), []).append(field)
            except PredictionStoreError:
                raise
            except _READ_ERRORS as e:
                raise PredictionStoreError(
                    f'{path}: truncated or corrupt shard ({e!r})') from e
            self._open[i] = (z, members)
        return self._open[i]

    def _read(self, i: int, name: str, key=None) -> np.ndarray:
        z, _ = self._shard(i)
        try:
            return z[name]
        except _READ_ERRORS as e:
            img = '' if key is None else f'image {key!r}: '
            raise PredictionStoreError(
                f'{self._files[i]}: {img}truncated or corrupt shard, cannot read '
                f'{name!r} ({e!r})') from e

    def _build_index(self) -> dict:
        index = {}
        for i, (path, s) in enumerate(zip(self._files, self.manifest['shards'])):
            keys = self._read(i, 'keys')
            if keys.shape != (s['count'],):
                raise PredictionStoreError(
                    f"{path}: holds {keys.size} images, manifest.json says "
                    f"{s['count']}")
            for pos, key in enumerate(keys.tolist()):
                if key in index:
                    raise PredictionStoreError(
                        f'{path}: image {key!r}: duplicate key')
                index[key] = (i, pos)
        return index

    # -- public API ----------------------------------------------------------
    @property
    def keys(self) -> list:
        """Image keys in write order."""
        if self._index is None:
            self._index = self._build_index()
        return list(self._index)

    def __len__(self):
        return self.manifest['count']

    def __contains__(self, key):
        if self._index is None:
            self._index = self._build_index()
        return key in self._index

    def _raw(self, key) -> dict:
        if key not in self:
            raise PredictionStoreError(f'{self.root}: no prediction for image {key!r}')
        i, pos = self._index[key]
        fields = self._shard(i)[1].get(pos, [])
        return {f: self._read(i, f'{pos}/{f}', key) for f in fields}

    def record(self, key) -> dict:
        """Raw stored arrays of one image (``probs`` as float32).

        ``probs``/``indices``: cls (K,), seg (H, W, K), det (B, K); det also
        ``bboxes`` (B, 4) and ``scores`` (B,); ``img_shape`` (2,) (h, w).
        """
        rec = self._raw(key)
        rec['probs'] = rec['probs'].astype(np.float32)
        return rec

    def probs(self, key) -> np.ndarray:
        """Full float32 distribution of one image: (C,), (H, W, C) or (B, C)."""
        rec = self._raw(key)
        return expand_record(rec['probs'], rec.get('indices'), self.num_classes)

    def check_keys(self, expected_keys, what='dataset') -> None:
        """Require predictions for exactly ``expected_keys``."""
        expected = list(expected_keys)
        stored = set(self.keys)
        missing = [k for k in expected if k not in stored]
        extra = sorted(stored.difference(expected))
        for found, msg in ((missing, f'no predictions for {len(missing)} of '
                            f'{len(expected)} {what} images'),
                           (extra, f'{len(extra)} predictions for images not in '
                            f'the {what}')):
            if found:
                raise PredictionStoreError(
                    f"{self.root}: {msg}, e.g. {', '.join(map(repr, found[:5]))}")

    def check_num_classes(self, num_classes) -> None:
        """Require ``C == num_classes``."""
        if int(num_classes) != self.num_classes:
            raise PredictionStoreError(
                f'{os.path.join(self.root, "manifest.json")}: store has '
                f'{self.num_classes} classes, expected {num_classes}')

    def validate(self) -> None:
        """Read and check every record (shapes, values, boxes)."""
        self._index = self._build_index()
        for key, (i, _) in self._index.items():
            check_record(self._raw(key), f'{self._files[i]}: image {key!r}',
                         self.task, self.num_classes, self.mode, self.k, self.dtype)

    def nbytes(self) -> int:
        """Bytes on disk of the manifest and all shards."""
        files = [os.path.join(self.root, 'manifest.json')] + self._files
        return sum(os.path.getsize(f) for f in files)

    def __getstate__(self):
        return dict(self.__dict__, _open={}, _pid=None)
