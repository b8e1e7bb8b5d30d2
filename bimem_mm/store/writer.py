"""Write black-box predictions to a prediction store (see the package doc)."""
import glob
import json
import os

import numpy as np

from . import lock
from .errors import PredictionStoreError
from .format import (
    DTYPES,
    FORMAT,
    MODES,
    TASKS,
    VERSION,
    check_boxes,
    check_img_shape,
    check_probs,
    index_dtype,
)


def atomic_write(path: str, write) -> None:
    """Call ``write(file)`` on a temp file next to ``path``, fsync, rename."""
    tmp = os.path.join(os.path.dirname(path),
                       f'.{os.path.basename(path)}.{os.getpid()}.tmp')
    try:
        with open(tmp, 'wb') as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        if os.path.exists(tmp):
            os.remove(tmp)
        if isinstance(err, (OSError, RuntimeError)):   # disk full, read-only
            raise PredictionStoreError(
                f'{path}: cannot write ({err})') from err
        raise


class PredictionWriter:
    """Collect per-image predictions and write them as a store at ``root``.

    Args:
        root: store directory (created; an incomplete store there is
            replaced, a complete one -- with ``manifest.json`` -- is refused
            unless ``overwrite``). The writer holds ``root/.lock`` (see
            :mod:`.lock`) until :meth:`close` / :meth:`abort`, so a second
            writer on the same folder is refused instead of mixing shards.
        task: 'cls', 'seg' or 'det'.
        classes: class names, C of them.
        mode: 'probs' (full distribution), 'topk' (k largest, sorted
            descending, with their indices) or 'hard' (top-1 + confidence).
        k: K for mode 'topk' (clipped to C).
        dtype: 'float16' or 'float32' for the stored probabilities.
        source: free dict describing where the predictions came from.
        shard_size: images per shard file (a shard is also closed once it
            holds ``max_shard_bytes``).
        overwrite: replace a complete store at ``root``.

    Use as a context manager, or call :meth:`close` at the end.
    """

    max_shard_bytes = 256 << 20

    def __init__(self, root, task, classes, mode='topk', k=5, dtype='float16',
                 source=None, shard_size=1024, overwrite=False):
        self.root = str(root)
        classes = [str(c) for c in classes]
        c = len(classes)
        bad = []
        if task not in TASKS:
            bad.append(f'task {task!r} not in {TASKS}')
        if mode not in MODES:
            bad.append(f'mode {mode!r} not in {MODES}')
        if dtype not in DTYPES:
            bad.append(f'dtype {dtype!r} not in {DTYPES}')
        if not 0 < c < 32768:
            bad.append(f'need 1 <= C <= 32767 classes, got {c}')
        if mode == 'topk' and int(k) < 1:
            bad.append(f'k must be >= 1, got {k}')
        if int(shard_size) < 1:
            bad.append(f'shard_size must be >= 1, got {shard_size}')
        if bad:
            raise PredictionStoreError(f'{self.root}: ' + '; '.join(bad))
        self.task, self.classes, self.mode, self.dtype = task, classes, mode, dtype
        self.k = {'probs': c, 'hard': 1}.get(mode, min(int(k), c))
        self.source = dict(source or {})
        self.shard_size = int(shard_size)
        self._closed = True   # until the lock is held
        manifest = os.path.join(self.root, 'manifest.json')
        if os.path.exists(manifest) and not overwrite:
            raise PredictionStoreError(
                f'{manifest}: a complete store exists already; remove it or '
                'pass --overwrite')
        try:
            os.makedirs(self.root, exist_ok=True)
        except OSError as err:
            raise PredictionStoreError(
                f'{self.root}: cannot create the store folder ({err})') from err
        self._lock = lock.acquire(self.root)
        try:
            if os.path.exists(manifest) and not overwrite:  # finished meanwhile
                raise PredictionStoreError(
                    f'{manifest}: a complete store exists already; remove it '
                    'or pass --overwrite')
            if os.path.exists(manifest):
                os.remove(manifest)     # first: the old store is now incomplete
            for pattern in ('shard-*.npz', '.shard-*.tmp',
                            '.manifest.json.*.tmp'):
                for old in glob.glob(os.path.join(self.root, pattern)):
                    os.remove(old)  # left by an incomplete earlier run
        except BaseException:
            lock.release(self._lock)
            raise
        self._keys = set()
        self._buf, self._buf_keys, self._buf_bytes = {}, [], 0
        self._shards = []
        self._closed = False

    def __len__(self):
        return len(self._keys)

    def add(self, key: str, probs: np.ndarray, bboxes=None, scores=None,
            img_shape=None) -> None:
        """Add the prediction for one image.

        Args:
            key: unique image key (e.g. the path relative to the data root).
            probs: FULL distribution, float: cls (C,), seg (H, W, C), det (B, C).
            bboxes: det only, (B, 4) x1, y1, x2, y2 in pixels.
            scores: det only, (B,) box scores in [0, 1].
            img_shape: (h, w) of the original image; seg defaults to (H, W),
                det boxes are checked to lie inside it (1 px tolerance).
        """
        where = f'{self.root}: image {key!r}'
        if self._closed:
            raise PredictionStoreError(f'{where}: writer is closed')
        if not isinstance(key, str) or not key:
            raise PredictionStoreError(f'{where}: key must be a non-empty str')
        if key in self._keys:
            raise PredictionStoreError(f'{where}: duplicate key')
        p = np.asarray(probs, dtype=np.float32)
        check_probs(p, where, self.task, len(self.classes), 1e-3, exact=True)
        rec = {}
        if img_shape is None and self.task == 'seg':
            img_shape = p.shape[:2]
        if img_shape is not None:
            img_shape = np.asarray([int(v) for v in img_shape], np.int32)
            check_img_shape(img_shape, where)
            rec['img_shape'] = img_shape
        if self.task == 'det':
            if bboxes is None or scores is None:
                raise PredictionStoreError(f'{where}: det needs bboxes and scores')
            rec['bboxes'] = np.asarray(bboxes, np.float32).reshape(-1, 4)
            rec['scores'] = np.asarray(scores, np.float32).reshape(-1)
            check_boxes(rec['bboxes'], rec['scores'], img_shape, where, p.shape[0])
        if self.mode == 'probs':
            rec['probs'] = p.astype(self.dtype)
        else:
            idx = np.argsort(-p, axis=-1, kind='stable')[..., :self.k]
            rec['probs'] = np.take_along_axis(p, idx, -1).astype(self.dtype)
            rec['indices'] = idx.astype(index_dtype(len(self.classes)))
        i = len(self._buf_keys)
        for name, arr in rec.items():
            self._buf[f'{i}/{name}'] = arr
            self._buf_bytes += arr.nbytes
        self._buf_keys.append(key)
        self._keys.add(key)
        if (len(self._buf_keys) >= self.shard_size
                or self._buf_bytes >= self.max_shard_bytes):
            self._flush()

    def _flush(self):
        if not self._buf_keys:
            return
        name = f'shard-{len(self._shards):05d}.npz'
        arrays = dict(self._buf, keys=np.array(self._buf_keys, dtype=str))
        atomic_write(os.path.join(self.root, name),
                     lambda f: np.savez(f, **arrays))
        self._shards.append({'file': name, 'count': len(self._buf_keys)})
        self._buf, self._buf_keys, self._buf_bytes = {}, [], 0

    def close(self) -> str:
        """Flush the last shard, write ``manifest.json`` last; return root."""
        if self._closed:
            return self.root
        try:
            self._flush()
            manifest = {
                'format': FORMAT, 'version': VERSION, 'task': self.task,
                'classes': self.classes, 'num_classes': len(self.classes),
                'mode': self.mode, 'k': self.k, 'dtype': self.dtype,
                'source': self.source, 'count': len(self._keys),
                'shards': self._shards,
            }
            text = json.dumps(manifest, indent=2, default=str).encode()
            atomic_write(os.path.join(self.root, 'manifest.json'),
                         lambda f: f.write(text))
        finally:
            self.abort()
        return self.root

    def abort(self) -> None:
        """Stop without a manifest (the store stays incomplete); unlock."""
        self._closed = True
        if getattr(self, '_lock', None):
            lock.release(self._lock)
            self._lock = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self.abort()  # write nothing more: no manifest
        return False

