"""Black-box prediction store: a source model's predictions on target images.

One on-disk format for classification, segmentation and detection. A store
is a directory::

    manifest.json       written LAST (atomically): no manifest = incomplete
    shard-00000.npz     np.savez (uncompressed), each written atomically
    shard-00001.npz     (temp file in the same dir, fsync, os.replace)

``manifest.json``::

    {"format": "bimem-predictions", "version": 1, "task": "cls"|"seg"|"det",
     "classes": [...], "num_classes": C, "mode": "probs"|"topk"|"hard",
     "k": K (C for probs, 1 for hard), "dtype": "float16"|"float32",
     "source": {...free...}, "count": N,
     "shards": [{"file": "shard-00000.npz", "count": n}, ...]}

A shard holds ``keys`` (n,) unicode image keys and, for the image at
position ``i`` of ``keys``, arrays ``<i>/<field>`` (class axis LAST):

* ``probs`` (..., K) ``dtype``: top-k values sorted descending (``topk``),
  the full distribution (``probs``, K = C) or the top-1 confidence (``hard``).
* ``indices`` (..., K) class ids, uint8 if C <= 255 else int16; absent in
  mode ``probs``.
* ``img_shape`` (2,) int32 (h, w) of the original image (always for seg,
  when given for cls/det).
* det only: ``bboxes`` (B, 4) float32 x1, y1, x2, y2 pixels, ``scores`` (B,)
  float32 in [0, 1].

``...`` is ``()`` for cls, ``(H, W)`` for seg (possibly downscaled from
``img_shape``) and ``(B,)`` for det. Top-k is expanded to C classes by
spreading the missing mass evenly over the other C - K classes
(:func:`expand_record`, same as ``bimem_mm.core.distributions.expand_topk``).
"""
from .errors import PredictionStoreError
from .format import expand_record
from .reader import PredictionStore
from .writer import PredictionWriter

__all__ = ['PredictionWriter', 'PredictionStore', 'PredictionStoreError',
           'expand_record']
