"""Structural checks of a shard file before numpy reads any array from it.

``np.load`` trusts the file: a plain ``.npy`` loads as an array (no
``.files``), and a member whose header declares 2**40 elements makes numpy
try to allocate them. These checks read only the zip directory and the
``.npy`` headers, and compare each declared size with the bytes present.
"""
import math
import zipfile

import numpy as np

from .errors import PredictionStoreError

ZIP_MAGICS = (b'PK\x03\x04', b'PK\x05\x06')   # local file header / empty zip


def check_npz(path: str) -> None:
    """Refuse a file that is not a zip archive (e.g. a plain ``.npy``)."""
    try:
        with open(path, 'rb') as f:
            head = f.read(4)
    except OSError as e:
        raise PredictionStoreError(f'{path}: cannot read shard ({e})') from e
    if head not in ZIP_MAGICS:
        kind = 'a plain .npy array' if head == b'\x93NUM' else 'not a zip file'
        raise PredictionStoreError(
            f'{path}: truncated or corrupt shard: not an npz archive '
            f'({kind}); shards are written by np.savez')


def _header(member, version):
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(member)
    return np.lib.format.read_array_header_2_0(member)


def check_members(npz, path: str) -> None:
    """Every member: a ``.npy`` without objects whose data fits the file.

    Args:
        npz: an open ``np.lib.npyio.NpzFile``.
        path: the shard, for messages.
    """
    for info in npz.zip.infolist():
        name = info.filename
        bad = f'{path}: member {name!r}'
        if not name.endswith('.npy'):
            raise PredictionStoreError(f'{bad} is not a .npy array')
        try:
            with npz.zip.open(info) as member:
                version = np.lib.format.read_magic(member)
                shape, _, dtype = _header(member, version)
                header_bytes = member.tell()
        except (ValueError, OSError, EOFError, zipfile.BadZipFile,
                SyntaxError) as e:
            raise PredictionStoreError(
                f'{bad}: truncated or corrupt shard, bad .npy header ({e})'
            ) from e
        if dtype.hasobject:
            raise PredictionStoreError(
                f'{bad}: object arrays are not allowed (they need pickle)')
        declared = math.prod(shape) * dtype.itemsize
        present = info.file_size - header_bytes
        if declared > present:
            raise PredictionStoreError(
                f'{bad}: header declares shape {tuple(shape)} {dtype} '
                f'({declared} bytes) but the file holds {present} bytes '
                '(crafted or truncated shard)')
