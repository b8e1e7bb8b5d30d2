"""Tests of the black-box prediction store (CPU only, small arrays)."""
import json
import os
import pickle

import numpy as np
import pytest
import torch

from bimem_mm.core.distributions import expand_topk
from bimem_mm.store import (
    PredictionStore,
    PredictionStoreError,
    PredictionWriter,
    expand_record,
)
from bimem_mm.store import writer as writer_mod

C = 6
CLASSES = [f'c{i}' for i in range(C)]
KEYS = [f'img/{i:03d}.jpg' for i in range(5)]


def dist(rng, shape, c=C):
    """Peaky random distributions (..., c) with a clear argmax."""
    logits = rng.normal(size=shape + (c,)) * 3
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)).astype(np.float32)


def det_pred(rng, b=3, h=40, w=60):
    xy = rng.uniform(0, 20, size=(b, 2))
    wh = rng.uniform(1, 20, size=(b, 2))
    boxes = np.concatenate([xy, xy + wh], 1).astype(np.float32)
    return dict(probs=dist(rng, (b,)), bboxes=boxes,
                scores=rng.uniform(0, 1, b).astype(np.float32), img_shape=(h, w))


def make(root, task='cls', mode='topk', k=3, dtype='float16', n=5, seed=0,
         shard_size=2):
    """Write a store of ``n`` images; return {key: add-kwargs}."""
    rng = np.random.default_rng(seed)
    preds = {}
    with PredictionWriter(root, task, CLASSES, mode=mode, k=k, dtype=dtype,
                          source={'model': 'toy'}, shard_size=shard_size) as w:
        for key in KEYS[:n]:
            if task == 'cls':
                preds[key] = dict(probs=dist(rng, ()))
            elif task == 'seg':
                preds[key] = dict(probs=dist(rng, (4, 5)), img_shape=(8, 10))
            else:
                preds[key] = det_pred(rng)
            w.add(key, **preds[key])
    return preds


@pytest.mark.parametrize('mode', ['probs', 'topk', 'hard'])
@pytest.mark.parametrize('task', ['cls', 'seg', 'det'])
def test_round_trip(tmp_path, task, mode):
    root = str(tmp_path / 's')
    preds = make(root, task, mode)
    store = PredictionStore(root)
    k = {'probs': C, 'topk': 3, 'hard': 1}[mode]
    m = store.manifest
    assert (m['task'], m['mode'], m['k'], m['count']) == (task, mode, k, 5)
    assert [s['count'] for s in m['shards']] == [2, 2, 1]
    assert store.keys == KEYS and len(store) == 5 and KEYS[0] in store
    assert 'nope' not in store and store.classes == CLASSES
    for key, pred in preds.items():
        rec, full = store.record(key), store.probs(key)
        p = pred['probs']
        assert rec['probs'].dtype == np.float32
        assert rec['probs'].shape == p.shape[:-1] + (k,)
        assert full.shape == p.shape and full.dtype == np.float32
        np.testing.assert_allclose(full.sum(-1), 1, atol=2e-3)
        assert (full.argmax(-1) == p.argmax(-1)).all()
        if mode == 'probs':
            assert 'indices' not in rec
            np.testing.assert_allclose(full, p, atol=1e-3)
        else:
            assert rec['indices'].dtype == np.uint8
            np.testing.assert_array_equal(
                rec['indices'], np.argsort(-p, -1, kind='stable')[..., :k])
            assert (np.diff(rec['probs'], axis=-1) <= 0).all()
            top = np.take_along_axis(full, rec['indices'].astype(int), -1)
            np.testing.assert_allclose(top, np.sort(p, -1)[..., ::-1][..., :k],
                                       atol=2e-3)
        if task == 'seg':
            np.testing.assert_array_equal(rec['img_shape'], [8, 10])
        if task == 'det':
            np.testing.assert_array_equal(rec['bboxes'], pred['bboxes'])
            np.testing.assert_array_equal(rec['scores'], pred['scores'])
            assert rec['img_shape'].dtype == np.int32


def test_expand_spreads_missing_mass():
    out = expand_record(np.array([0.5, 0.3]), np.array([2, 0]), 4)
    np.testing.assert_allclose(out, [0.3, 0.1, 0.5, 0.1], atol=1e-6)
    hard = expand_record(np.array([[0.7]]), np.array([[1]]), 3)
    np.testing.assert_allclose(hard, [[0.15, 0.7, 0.15]], atol=1e-6)
    full = expand_record(np.array([0.2, 0.8]), None, 2)
    np.testing.assert_allclose(full, [0.2, 0.8])


@pytest.mark.parametrize('k', [1, 3, 6])
def test_expand_matches_torch(k):
    rng = np.random.default_rng(k)
    p = dist(rng, (7, 3))
    idx = np.argsort(-p, -1)[..., :k].astype(np.uint8)
    top = np.take_along_axis(p, idx.astype(int), -1).astype(np.float16)
    ours = expand_record(top, idx, C)
    ref = expand_topk(torch.from_numpy(idx.reshape(-1, k).astype(np.int64)),
                      torch.from_numpy(top.reshape(-1, k)), C)
    np.testing.assert_allclose(ours.reshape(-1, C), ref.numpy(), atol=1e-6)
    np.testing.assert_allclose(ours.sum(-1), 1, atol=1e-3)
    assert (ours.argmax(-1) == p.argmax(-1)).all()
    # a pipeline flipping the stored (H, W, K) maps commutes with expansion
    np.testing.assert_allclose(expand_record(top[:, ::-1], idx[:, ::-1], C),
                               ours[:, ::-1], atol=1e-6)


@pytest.mark.parametrize('k', [1, 2, 3])
def test_fp16_topk_seg_size(tmp_path, k):
    c, h, w, n = 19, 64, 64, 3
    rng = np.random.default_rng(0)
    classes = [str(i) for i in range(c)]
    with PredictionWriter(tmp_path / 's', 'seg', classes, k=k) as wr:
        for i in range(n):
            wr.add(str(i), dist(rng, (h, w), c))
    store = PredictionStore(tmp_path / 's')
    dense = n * c * h * w * 4
    payload = n * h * w * k * 3  # fp16 value + uint8 index
    assert payload <= store.nbytes() < payload + 4096
    assert store.nbytes() < dense * (3 * k / (4 * c)) + 4096


def test_exception_leaves_no_manifest(tmp_path):
    root = tmp_path / 's'
    with pytest.raises(RuntimeError):
        with PredictionWriter(root, 'cls', CLASSES, shard_size=1) as w:
            w.add('a', dist(np.random.default_rng(0), ()))
            raise RuntimeError('boom')
    assert not (root / 'manifest.json').exists()
    with pytest.raises(PredictionStoreError,
                       match='manifest.json: incomplete store: no manifest.json'):
        PredictionStore(root)
    make(str(root))  # an incomplete store may be overwritten ...
    with pytest.raises(PredictionStoreError, match='exists already'):
        make(str(root))  # ... a complete one may not


def test_shard_write_is_temp_then_rename(tmp_path, monkeypatch):
    calls, real = [], os.replace
    monkeypatch.setattr(writer_mod.os, 'replace',
                        lambda a, b: (calls.append((a, b)), real(a, b)))
    root = tmp_path / 's'
    make(str(root))
    names = [os.path.basename(b) for _, b in calls]
    assert names == ['shard-00000.npz', 'shard-00001.npz', 'shard-00002.npz',
                     'manifest.json']  # manifest last
    for a, b in calls:
        assert os.path.dirname(a) == os.path.dirname(b)
        assert os.path.basename(a).startswith('.') and a.endswith('.tmp')
    assert sorted(os.listdir(root)) == sorted(names)

    def fail(*args, **kwargs):
        raise OSError('disk full')
    monkeypatch.setattr(writer_mod.np, 'savez', fail)
    with pytest.raises(PredictionStoreError,   # names the file (issue 12)
                       match=r'shard-00000\.npz: cannot write \(disk full'):
        make(str(tmp_path / 't'))
    assert os.listdir(tmp_path / 't') == []  # no partial shard, no temp file


def test_pickle_reopens(tmp_path):
    make(str(tmp_path / 's'))
    store = PredictionStore(tmp_path / 's')
    store.probs(KEYS[0])
    clone = pickle.loads(pickle.dumps(store))
    np.testing.assert_array_equal(clone.probs(KEYS[3]), store.probs(KEYS[3]))


# -- errors --------------------------------------------------------------------
def edit_manifest(root, fn):
    path = os.path.join(root, 'manifest.json')
    with open(path) as f:
        m = json.load(f)
    fn(m)
    with open(path, 'w') as f:
        json.dump(m, f)
    return path


def edit_shard(root, fn, shard=0):
    """Rewrite shard ``shard`` after ``fn(arrays)`` edits its dict of arrays."""
    path = os.path.join(root, f'shard-{shard:05d}.npz')
    with np.load(path) as z:
        arrays = {name: z[name] for name in z.files}
    fn(arrays)
    np.savez(path, **arrays)
    return path


def raises(root, *parts):
    with pytest.raises(PredictionStoreError) as e:
        PredictionStore(root)
    msg = str(e.value)
    assert msg.startswith(parts[0]), msg
    for part in parts[1:]:
        assert part in msg, msg
    return msg


def test_manifest_errors(tmp_path):
    root = str(tmp_path / 's')
    make(root)
    mpath = os.path.join(root, 'manifest.json')
    with open(mpath) as f:
        good = f.read()
    with open(mpath, 'w') as f:
        f.write('{"format": ')
    raises(root, mpath, 'invalid JSON')
    cases = [(lambda m: m.pop('mode'), "missing field(s) ['mode']"),
             (lambda m: m.update(format='other'), 'format'),
             (lambda m: m.update(version=2), 'version 2'),
             (lambda m: m.update(count=4), 'count 4 != sum of shard counts 5'),
             (lambda m: m.update(k=7), 'k=7')]
    for fn, part in cases:
        with open(mpath, 'w') as f:
            f.write(good)
        raises(root, edit_manifest(root, fn), part)


def test_shard_errors(tmp_path):
    root = str(tmp_path / 's')
    make(root)
    shard = os.path.join(root, 'shard-00001.npz')
    data = open(shard, 'rb').read()
    os.remove(shard)
    raises(root, shard, 'missing')
    with open(shard, 'wb') as f:
        f.write(data[:len(data) // 2])
    raises(root, shard, 'truncated or corrupt')
    with open(shard, 'wb') as f:
        f.write(b'\0' * 100)
    raises(root, shard, 'truncated or corrupt')
    with open(shard, 'wb') as f:  # bad member bytes: CRC error on read
        f.write(data[:200] + bytes(b ^ 0xFF for b in data[200:260]) + data[260:])
    raises(root, shard, 'truncated or corrupt')
    with open(shard, 'wb') as f:
        f.write(data)

    def counts(m):
        m['shards'][1]['count'] = 3
        m['count'] = 6
    edit_manifest(root, counts)
    raises(root, shard, 'holds 2 images, manifest.json says 3')


def set_(name, value):
    return lambda a: a.__setitem__(name, value)


def _scale(name, f):
    return lambda a: a.__setitem__(name, f(a[name]))


RECORD_CASES = [  # (task, mode, edit, message part)
    ('cls', 'topk', _scale('1/probs', lambda p: p * np.nan), 'NaN or inf'),
    ('cls', 'topk', _scale('1/probs', lambda p: p + np.float16(np.inf)),
     'NaN or inf'),
    ('cls', 'topk', _scale('1/probs', lambda p: -p), 'negative probability'),
    ('cls', 'topk', _scale('1/probs', lambda p: p * 0 + np.float16(0.6)),
     'sum to 1.8'),
    ('cls', 'probs', _scale('1/probs', lambda p: p * np.float16(0.5)),
     'expected 1'),
    ('seg', 'hard', _scale('1/indices', lambda i: i * 0 + C), 'out of [0, 6)'),
    ('cls', 'topk', _scale('1/probs', lambda p: p[:2]), 'last dim 3'),
    ('seg', 'topk', _scale('1/indices', lambda i: i[:, :2]),
     'indices shape (4, 2, 3) != probs shape (4, 5, 3)'),
    ('cls', 'topk', _scale('1/probs', lambda p: p.astype(np.float32)),
     'dtype float32'),
    ('seg', 'topk', lambda a: a.pop('1/img_shape'), "missing field 'img_shape'"),
    ('det', 'topk', _scale('1/bboxes', lambda b: b * np.inf), 'invalid box 0'),
    ('det', 'topk', _scale('1/bboxes', lambda b: b[:, [2, 1, 0, 3]]),
     'invalid box 0'),
    ('det', 'topk', _scale('1/bboxes', lambda b: b + [0, 0, 100, 0]),
     'inside img_shape [40, 60]'),
    ('det', 'topk', _scale('1/scores', lambda s: s + 1.5), 'scores outside'),
]


@pytest.mark.parametrize('task,mode,edit,part', RECORD_CASES)
def test_record_errors(tmp_path, task, mode, edit, part):
    root = str(tmp_path / 's')
    make(root, task, mode)
    path = edit_shard(root, edit)
    raises(root, path, repr(KEYS[1]), part)
    store = PredictionStore(root, validate=False)  # lazy: opens, reads on use
    store.record(KEYS[0])


def test_duplicate_key_in_store(tmp_path):
    root = str(tmp_path / 's')
    make(root)
    path = edit_shard(root, set_('keys', np.array([KEYS[0], 'x'])), shard=1)
    raises(root, path, repr(KEYS[0]), 'duplicate key')


def test_writer_errors(tmp_path):
    rng = np.random.default_rng(0)
    root = str(tmp_path / 's')
    w = PredictionWriter(root, 'det', CLASSES)
    good = det_pred(rng)
    w.add('a', **good)
    bad = [(dict(good), 'duplicate key'),
           (dict(good, probs=good['probs'][:, :4]), 'last dim 6'),
           (dict(good, probs=good['probs'] * 2), 'sum to 2'),
           (dict(good, probs=good['probs'] * np.nan), 'NaN'),
           (dict(good, bboxes=good['bboxes'][:, [2, 1, 0, 3]]), 'invalid box 0'),
           (dict(good, img_shape=(10, 10)), 'inside img_shape [10, 10]'),
           (dict(good, scores=good['scores'][:2]), 'do not match 3 boxes')]
    for kwargs, part in bad:
        with pytest.raises(PredictionStoreError) as e:
            w.add('a' if part == 'duplicate key' else 'b', **kwargs)
        msg = str(e.value)
        assert msg.startswith(root) and "image '" in msg and part in msg, msg
    with pytest.raises(PredictionStoreError, match='mode'):
        PredictionWriter(root, 'cls', CLASSES, mode='soft')


def test_key_and_class_checks(tmp_path):
    root = str(tmp_path / 's')
    make(root)
    store = PredictionStore(root)
    with pytest.raises(PredictionStoreError,
                       match=f"^{root}: no prediction for image 'zz'"):
        store.record('zz')
    store.check_keys(KEYS)
    with pytest.raises(PredictionStoreError) as e:
        store.check_keys(KEYS + [f'm{i}' for i in range(7)])
    msg = str(e.value)
    assert msg.startswith(root) and 'no predictions for 7 of 12 dataset' in msg
    assert "'m4'" in msg and "'m5'" not in msg
    with pytest.raises(PredictionStoreError, match='2 predictions for images not'):
        store.check_keys(KEYS[:3])
    store.check_num_classes(C)
    with pytest.raises(PredictionStoreError, match='manifest.json: store has 6'):
        store.check_num_classes(19)


def test_empty_det_and_many_classes(tmp_path):
    classes = [str(i) for i in range(300)]
    rng = np.random.default_rng(0)
    with PredictionWriter(tmp_path / 's', 'det', classes, k=2) as w:
        w.add('none', np.zeros((0, 300)), np.zeros((0, 4)), np.zeros(0), (5, 5))
        w.add('one', dist(rng, (1,), 300), [[0, 0, 5, 5]], [0.5], (5, 5))
    store = PredictionStore(tmp_path / 's')
    assert store.probs('none').shape == (0, 300)
    assert store.record('one')['indices'].dtype == np.int16
    np.testing.assert_allclose(store.probs('one').sum(-1), 1, atol=1e-3)


# --- issue 12: odd records, crafted shards and manifests, concurrent writers


def _topk_edit(name, fn):
    return lambda a: a.__setitem__(name, fn(a[name]).astype(a[name].dtype))


ODD_TOPK = [  # (edit of image 1's record, message part): case 6
    (_topk_edit('1/indices', lambda i: i * 0 + i[:1]), 'repeats a class index'),
    (_topk_edit('1/probs', lambda p: p[::-1]), 'not sorted in descending'),
    (_topk_edit('1/probs', lambda p: p * 0), 'zero probability mass'),
]


@pytest.mark.parametrize('edit,part', ODD_TOPK)
def test_odd_topk_records_are_refused(tmp_path, edit, part):
    """Before: passed validation and expanded to a wrong distribution."""
    root = str(tmp_path / 's')
    make(root, 'cls', 'topk')
    path = edit_shard(root, edit)
    raises(root, path, repr(KEYS[1]), part)


def test_topk_with_k_equal_c_is_renormalised():
    """Before: the k >= C branch returned the stored (fp16) values as is."""
    p = np.array([[0.5, 0.3, 0.1]], np.float16)      # sums to 0.9
    idx = np.array([[2, 0, 1]])
    out = expand_record(p, idx, 3)
    assert np.isclose(out.sum(), 1, atol=1e-6)
    assert np.allclose(out, [[0.3 / 0.9, 0.1 / 0.9, 0.5 / 0.9]], atol=1e-3)
    torch_out = expand_topk(torch.as_tensor(idx), torch.as_tensor(p), 3)
    assert np.allclose(torch_out.numpy(), out, atol=1e-6)


def test_shard_outside_the_store_is_refused(tmp_path):
    """Case 4. Before: ../other/shard-00000.npz or an absolute path was
    read from outside the store."""
    root = str(tmp_path / 's')
    make(root)
    make(str(tmp_path / 'other'))
    outside = str(tmp_path / 'other' / 'shard-00000.npz')
    mpath = os.path.join(root, 'manifest.json')
    for name in ('../other/shard-00000.npz', outside, 'x.npz',
                 'shard-00000.npz/../shard-00001.npz'):
        raises(root, edit_manifest(root, lambda m: m['shards'][0].update(
            file=name)), mpath, repr(name), 'inside the store folder')
    os.remove(os.path.join(root, 'shard-00000.npz'))
    os.symlink(outside, os.path.join(root, 'shard-00000.npz'))
    raises(root, edit_manifest(root, lambda m: m['shards'][0].update(
        file='shard-00000.npz')), mpath, 'inside the store folder')


def test_reader_does_not_crash_on_crafted_files(tmp_path):
    """Case 7. Before: AttributeError (a .npy as shard), MemoryError (a
    header declaring 2**40 elements), TypeError (num_classes 10.0)."""
    root = str(tmp_path / 's')
    make(root)
    shard = os.path.join(root, 'shard-00001.npz')
    good = open(shard, 'rb').read()
    np.save(open(shard, 'wb'), np.zeros(3))
    raises(root, shard, 'not an npz archive (a plain .npy array)')

    import zipfile
    with zipfile.ZipFile(shard, 'w') as z:   # a member claiming 8 TiB
        with z.open('keys.npy', 'w') as f:
            np.lib.format.write_array_header_1_0(
                f, {'descr': '<f8', 'fortran_order': False,
                    'shape': (2 ** 40,)})
            f.write(b'\0' * 64)
    raises(root, shard, "member 'keys.npy'", '(1099511627776,)',
           '8796093022208 bytes')
    with zipfile.ZipFile(shard, 'w') as z:   # an object array (pickle)
        with z.open('keys.npy', 'w') as f:
            np.lib.format.write_array_header_1_0(
                f, {'descr': '|O', 'fortran_order': False, 'shape': (0,)})
    raises(root, shard, 'object arrays')
    with open(shard, 'wb') as f:
        f.write(good)

    mpath = os.path.join(root, 'manifest.json')
    good = open(mpath).read()
    for field, value in (('num_classes', 6.0), ('k', '3'), ('count', True),
                         ('version', 1.0)):
        with open(mpath, 'w') as f:
            f.write(good)
        raises(root, edit_manifest(root, lambda m: m.update({field: value})),
               mpath, f'{field} must be a non-negative integer')
    with open(mpath, 'w') as f:
        f.write(good)
    PredictionStore(root)


def test_second_writer_is_locked_out(tmp_path):
    """Case 2. Before: a second writer on the same folder deleted the
    first one's shards and both 'succeeded'."""
    root = str(tmp_path / 's')
    first = PredictionWriter(root, 'cls', CLASSES, shard_size=1)
    rng = np.random.default_rng(0)
    first.add(KEYS[0], dist(rng, ()))
    lock = os.path.join(root, '.lock')
    assert open(lock).read().split()[0] == str(os.getpid())
    with pytest.raises(PredictionStoreError, match='another writer') as e:
        PredictionWriter(root, 'cls', CLASSES)
    assert str(e.value).startswith(lock)
    assert os.path.exists(os.path.join(root, 'shard-00000.npz'))
    first.add(KEYS[1], dist(rng, ()))
    first.close()
    assert not os.path.exists(lock)
    assert len(PredictionStore(root)) == 2
    # a complete store is kept unless overwrite=True
    with pytest.raises(PredictionStoreError, match='--overwrite'):
        PredictionWriter(root, 'cls', CLASSES)
    with PredictionWriter(root, 'cls', CLASSES, overwrite=True) as w:
        assert not os.path.exists(os.path.join(root, 'manifest.json'))
        w.add(KEYS[2], dist(rng, ()))
    assert PredictionStore(root).keys == [KEYS[2]]


def test_stale_lock_is_reported(tmp_path):
    import subprocess
    import sys
    root = tmp_path / 's'
    root.mkdir()
    dead = subprocess.run([sys.executable, '-c', 'import os; print(os.getpid())'],
                          capture_output=True, text=True).stdout.strip()
    import socket
    (root / '.lock').write_text(f'{dead} {socket.gethostname()}\n')
    with pytest.raises(PredictionStoreError,
                       match=f'stale lock of process {dead}.*delete the lock'):
        PredictionWriter(str(root), 'cls', CLASSES)
    assert (root / '.lock').exists()      # never broken silently


def test_failed_writer_releases_its_lock(tmp_path):
    root = str(tmp_path / 's')
    with pytest.raises(RuntimeError):
        with PredictionWriter(root, 'cls', CLASSES):
            raise RuntimeError('black box failed')
    assert not os.path.exists(os.path.join(root, '.lock'))
    PredictionWriter(root, 'cls', CLASSES).abort()
