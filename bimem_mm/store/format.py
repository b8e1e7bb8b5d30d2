"""Constants, record checks and top-k expansion shared by writer and reader.

Shapes: ``C`` classes, ``K`` stored entries per unit (``K = C`` in mode
``probs``, ``1`` in mode ``hard``), ``B`` boxes, ``H x W`` map size.
"""
import numpy as np

from .errors import PredictionStoreError

FORMAT = 'bimem-predictions'
VERSION = 1
TASKS = ('cls', 'seg', 'det')
MODES = ('probs', 'topk', 'hard')
DTYPES = ('float16', 'float32')
PROBS_NDIM = {'cls': 1, 'seg': 3, 'det': 2}  # (K,), (H, W, K), (B, K)
BOX_TOL = 1.0  # pixels a box may stick out of img_shape


def index_dtype(num_classes: int) -> np.dtype:
    """uint8 when ``C <= 255`` else int16."""
    return np.dtype(np.uint8 if num_classes <= 255 else np.int16)


def sum_tol(dtype: str) -> float:
    """Tolerance on the per-unit sum of stored probabilities."""
    return 2e-2 if dtype == 'float16' else 1e-3


def _fail(where: str):
    def bad(msg):
        raise PredictionStoreError(f'{where}: {msg}')
    return bad


def check_probs(p: np.ndarray, where: str, task: str, last: int, tol: float,
                exact: bool) -> None:
    """Check (..., last) probabilities: dims, finite, >= 0, sums.

    ``exact``: every unit must sum to 1 (+- tol); else only ``<= 1 + tol``.
    """
    bad = _fail(where)
    if p.ndim != PROBS_NDIM[task] or p.shape[-1] != last:
        bad(f'probs have shape {p.shape}, expected {PROBS_NDIM[task]} dims '
            f'with last dim {last} for task {task!r}')
    if p.dtype.kind != 'f':
        bad(f'probs have dtype {p.dtype}, expected float')
    if not np.isfinite(p).all():
        bad('probs contain NaN or inf')
    if (p < 0).any():
        bad(f'negative probability {p.min():g}')
    if p.size:
        s = p.sum(-1, dtype=np.float32)
        if exact and np.abs(s - 1).max() > tol:
            worst = s.flat[np.abs(s - 1).argmax()]
            bad(f'probabilities sum to {worst:.4f}, expected 1')
        if not exact and s.max() > 1 + tol:
            bad(f'probabilities sum to {s.max():.4f} > 1')


def check_boxes(bboxes: np.ndarray, scores: np.ndarray, img_shape, where: str,
                num: int) -> None:
    """Check (B, 4) x1,y1,x2,y2 boxes and (B,) scores in [0, 1]."""
    bad = _fail(where)
    if bboxes.shape != (num, 4) or scores.shape != (num,):
        bad(f'bboxes {bboxes.shape} / scores {scores.shape} do not match '
            f'{num} boxes in probs')
    ok = np.isfinite(bboxes).all(1)
    ok &= (bboxes[:, 0] < bboxes[:, 2]) & (bboxes[:, 1] < bboxes[:, 3])
    if img_shape is not None:
        h, w = (float(v) for v in img_shape)
        ok &= (bboxes[:, :2] >= -BOX_TOL).all(1)
        ok &= (bboxes[:, 2] <= w + BOX_TOL) & (bboxes[:, 3] <= h + BOX_TOL)
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        shape = None if img_shape is None else [int(v) for v in img_shape]
        bad(f'invalid box {i}: {bboxes[i].tolist()} (need finite, x1 < x2, '
            f'y1 < y2, inside img_shape {shape})')
    if not (np.isfinite(scores) & (scores >= 0) & (scores <= 1)).all():
        bad('box scores outside [0, 1]')


def check_img_shape(img_shape, where: str) -> None:
    """``img_shape``: (2,) positive ints (h, w)."""
    a = np.asarray(img_shape)
    if a.shape != (2,) or a.dtype.kind not in 'iu' or (a <= 0).any():
        _fail(where)(f'img_shape must be 2 positive ints (h, w), got {img_shape!r}')


def check_topk(p: np.ndarray, idx: np.ndarray, bad) -> None:
    """(..., K) top-k entries: distinct classes, values descending, and
    positive mass in every unit (else expansion divides 0 by 0)."""
    if not p.size:
        return
    if p.shape[-1] > 1:
        if (np.diff(p.astype(np.float32), axis=-1) > 0).any():
            bad('top-k probabilities are not sorted in descending order')
        srt = np.sort(idx, axis=-1)
        if (srt[..., 1:] == srt[..., :-1]).any():
            bad('a unit repeats a class index in its top-k')
    if (p.sum(-1, dtype=np.float32) <= 0).any():
        bad('a unit has zero probability mass')


def check_record(rec: dict, where: str, task: str, num_classes: int,
                 mode: str, k: int, dtype: str) -> None:
    """Check one raw stored record (as read from a shard)."""
    bad = _fail(where)
    if 'probs' not in rec:
        bad("missing field 'probs'")
    p = rec['probs']
    if p.dtype != np.dtype(dtype):
        bad(f'probs have dtype {p.dtype}, manifest says {dtype}')
    check_probs(p, where, task, k, sum_tol(dtype), exact=mode == 'probs')
    idx = rec.get('indices')
    if mode != 'probs':
        if idx is None:
            bad("missing field 'indices'")
        if idx.shape != p.shape:
            bad(f'indices shape {idx.shape} != probs shape {p.shape}')
        if idx.dtype.kind not in 'iu':
            bad(f'indices have dtype {idx.dtype}, expected integer')
        if idx.size and (idx.min() < 0 or idx.max() >= num_classes):
            bad(f'class index out of [0, {num_classes}): '
                f'{idx.min() if idx.min() < 0 else idx.max()}')
        check_topk(p, idx, bad)
    elif idx is not None:
        bad("field 'indices' is not allowed in mode 'probs'")
    shape = rec.get('img_shape')
    if shape is not None:
        check_img_shape(shape, where)
    elif task == 'seg':
        bad("missing field 'img_shape'")
    if task == 'det':
        if 'bboxes' not in rec or 'scores' not in rec:
            bad("missing field 'bboxes' or 'scores'")
        check_boxes(rec['bboxes'], rec['scores'], shape, where, p.shape[0])


def expand_record(probs: np.ndarray, indices, num_classes: int) -> np.ndarray:
    """Stored (..., K) probs (+ (..., K) indices) -> full (..., C) float32.

    The mass missing from the top-k is spread evenly over the other ``C - K``
    classes and each unit renormalised (DINE's convention; matches
    :func:`bimem_mm.core.distributions.expand_topk`). ``indices=None`` means
    mode ``probs``: ``probs`` already is the (..., C) distribution. Works on
    arrays a pipeline has resized (probs) / flipped, e.g. (H', W', K).
    """
    p = np.asarray(probs, dtype=np.float32)
    if indices is None:
        if p.shape[-1] != num_classes:
            raise ValueError(f'probs last dim {p.shape[-1]} != C={num_classes}')
        return p.copy()
    idx = np.asarray(indices).astype(np.int64)
    if idx.shape != p.shape:
        raise ValueError(f'indices shape {idx.shape} != probs shape {p.shape}')
    k = p.shape[-1]
    shape = p.shape[:-1] + (num_classes,)
    if k >= num_classes:   # renormalised too: fp16 sums are only ~1
        out = np.zeros(shape, np.float32)
        np.put_along_axis(out, idx, p, axis=-1)
        return out / out.sum(-1, keepdims=True)
    rest = np.clip(1.0 - p.sum(-1, keepdims=True), 0.0, None)
    out = np.broadcast_to(rest / np.float32(num_classes - k), shape).copy()
    np.put_along_axis(out, idx, p, axis=-1)
    return out / out.sum(-1, keepdims=True)
