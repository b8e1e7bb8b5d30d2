"""Image files as the real datasets store them (PNG, JPEG, palette PNG,
16-bit PNG), written with Pillow and OpenCV (mmcv's readers)."""
import os
import os.path as osp

import numpy as np


def _parent(path: str) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)


def write_image(path: str, rgb: np.ndarray) -> None:
    """(H, W, 3) uint8 RGB, or (H, W) uint8 grey, to ``path`` (.png or
    .jpg by its extension)."""
    from PIL import Image
    _parent(path)
    img = Image.fromarray(np.ascontiguousarray(rgb))
    if path.endswith(('.jpg', '.jpeg')):
        img.save(path, quality=95)
    else:
        img.save(path)


def write_palette_png(path: str, ids: np.ndarray, colors: dict) -> None:
    """(H, W) uint8 ids as an indexed PNG whose palette gives id -> colour
    (GTA5's label files; unlisted ids are black)."""
    from PIL import Image
    _parent(path)
    palette = np.zeros((256, 3), np.uint8)
    for i, color in colors.items():
        palette[i] = color
    img = Image.fromarray(ids.astype(np.uint8), mode='P')
    img.putpalette(palette.reshape(-1).tolist())
    img.save(path)


def write_png16(path: str, bgr: np.ndarray) -> None:
    """(H, W, 3) uint16 in OpenCV's BGR order to a 16-bit colour PNG."""
    import cv2
    _parent(path)
    if not cv2.imwrite(path, bgr.astype(np.uint16)):
        raise OSError(f'{path}: cannot write')
