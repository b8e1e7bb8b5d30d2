"""tools/benchmark.py --pair on image-classification pairs that are not
digits, end to end through the real tools: RGB 64x64 with 10 classes and
RGB 32x32 with 31 (Office-31's count); the scene tasks refuse them."""
import csv

import pytest
import torch
from image_pair_helpers import make_images
from test_benchmark_end_to_end import benchmark

pytestmark = pytest.mark.slow


def weight_shapes(path):
    sd = torch.load(path, map_location='cpu', weights_only=False)[
        'state_dict']
    return {k: tuple(v.shape) for k, v in sd.items()}


def run_pair(tmp_path, side, classes, methods):
    src = make_images(tmp_path / 'src.npz', n=2 * classes, side=side,
                      num_classes=classes)
    tgt = make_images(tmp_path / 'tgt.npz', n=2 * classes, side=side,
                      num_classes=classes, seed=1)
    out = tmp_path / 'out'
    proc = benchmark('--pair', f'{src}:{tgt}', '--tasks', 'cls', '--methods',
                     methods, '--iters', '2', '--out', str(out))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert f'3x{side}x{side}, {classes} classes' in proc.stdout
    with open(out / 'results.csv') as f:
        rows = list(csv.DictReader(f))
    assert [r['method'] for r in rows] == methods.split(',')
    return out / 'cls' / 'src2tgt' / 'seed0'


def test_rgb_64x64_pair(tmp_path):
    run = run_pair(tmp_path, 64, 10, 'black_box,dine')
    bb = weight_shapes(run / 'black_box' / 'iter_2.pth')
    dine = weight_shapes(run / 'dine' / 'iter_2.pth')
    for shapes, prefix in ((bb, ''), (dine, 'student.')):
        assert shapes[f'{prefix}backbone.layers.0.weight'] == (32, 3, 3, 3)
        convs = [k for k, s in shapes.items() if k.startswith(prefix)
                 and len(s) == 4]
        assert len(convs) == 5          # 64 -> 4: four halvings
        assert shapes[f'{prefix}head.fc.weight'] == (10, 128)


def test_31_class_pair(tmp_path):
    run = run_pair(tmp_path, 32, 31, 'black_box,bimem')
    bb = weight_shapes(run / 'black_box' / 'iter_2.pth')
    assert bb['head.fc.weight'] == (31, 128)
    bimem = weight_shapes(run / 'bimem' / 'iter_2.pth')
    assert bimem['student.head.fc.weight'] == (31, 128)
    # the memories hold 31 classes
    assert any(31 in s and k.startswith('refiner') for k, s in bimem.items())


def test_scene_tasks_refuse_a_photo_pair(tmp_path):
    src = make_images(tmp_path / 'a.npz', side=64)
    proc = benchmark('--pair', f'{src}:{src}', '--tasks', 'cls,seg',
                     '--out', str(tmp_path / 'out'))
    assert proc.returncode != 0
    assert 'seg: ' in proc.stderr and 'is not a digit pair' in proc.stderr
    assert not (tmp_path / 'out' / 'cls').exists()      # nothing ran
