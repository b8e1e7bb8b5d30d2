"""Speed of BiMem's memories against a training step, at Cityscapes scale.

    python tools/benchmarks/memory_speed.py [--device cuda] [--model-step]

Times, per iteration: the vectorised memories + calibration
(``BiMem.refine``: selection, queue push, short/long-term prototypes,
weights, fused labels, long-term update), the BiMem loss, the official
per-class loop implementation of the same step (``--official``), and with
``--model-step`` a DeepLab (torchvision DeepLabV3-ResNet101, the nearest
plain-torch stand-in for DeepLabV2-R101) warm-up step (student forward +
backward) and BiMem step (plus the teacher's forward and the memories).
Prints a table; plain torch only (the core imports no mm package), so it
runs on any machine with torch. Defaults: 4 images of 896x512 whose 1/4
feature maps give 4 x 128 x 256 = 131072 units, queue 65536, 19 classes,
256-d features, k = 256 per image.
"""
import argparse
import os.path as osp
import sys
import time

import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from bimem_mm.core import BiMem, SymmetricLoss  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--device', default='cuda' if torch.cuda.is_available()
                   else 'cpu')
    p.add_argument('--images', type=int, default=4)
    p.add_argument('--fmap', type=int, nargs=2, default=(128, 256),
                   help='feature map (h, w) per image')
    p.add_argument('--queue', type=int, default=65536)
    p.add_argument('--classes', type=int, default=19)
    p.add_argument('--dim', type=int, default=256)
    p.add_argument('--k', type=int, default=256)
    p.add_argument('--iters', type=int, default=20)
    p.add_argument('--official', action='store_true',
                   help='also time the official-style per-class loops')
    p.add_argument('--model-step', action='store_true',
                   help='also time a DeepLab-R101 warm-up and BiMem step')
    p.add_argument('--crop', type=int, nargs=2, default=(512, 896))
    return p.parse_args()


def timed(fn, iters, device):
    """Median milliseconds of ``fn()`` over ``iters`` runs after 3 warm-ups."""
    for _ in range(3):
        fn()
    times = []
    for _ in range(iters):
        if device.type == 'cuda':
            torch.cuda.synchronize()
        start = time.perf_counter()
        fn()
        if device.type == 'cuda':
            torch.cuda.synchronize()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


def memory_inputs(args, device):
    n = args.images * args.fmap[0] * args.fmap[1]
    g = torch.Generator(device).manual_seed(0)
    z = torch.randn(n, args.dim, generator=g, device=device)
    q = torch.softmax(3 * torch.randn(n, args.classes, generator=g,
                                      device=device), 1)
    p = torch.softmax(3 * torch.randn(n, args.classes, generator=g,
                                      device=device), 1)
    groups = torch.arange(args.images, device=device).repeat_interleave(
        n // args.images)
    return z, q, p, groups


def model_steps(args, device, memory_ms):
    """(warm-up step ms, BiMem step ms) of a DeepLab-R101 on one batch."""
    from torchvision.models.segmentation import deeplabv3_resnet101
    student = deeplabv3_resnet101(weights=None, weights_backbone=None,
                                  num_classes=args.classes).to(device)
    teacher = deeplabv3_resnet101(weights=None, weights_backbone=None,
                                  num_classes=args.classes).to(device)
    opt = torch.optim.SGD(student.parameters(), lr=1e-4, momentum=0.9)
    x = torch.randn(args.images, 3, *args.crop, device=device)
    y = torch.randint(0, args.classes, (args.images, *args.crop),
                      device=device)

    def warmup_step():
        out = student(x)['out']
        loss = torch.nn.functional.cross_entropy(out, y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    def teacher_forward():
        with torch.no_grad():
            teacher(x)

    warm = timed(warmup_step, max(3, args.iters // 4), device)
    teach = timed(teacher_forward, max(3, args.iters // 4), device)
    return warm, warm + teach + memory_ms


def main():
    args = parse_args()
    device = torch.device(args.device)
    z, q, p, groups = memory_inputs(args, device)
    mem = BiMem(args.classes, args.dim, queue_length=args.queue,
                units_per_group=args.k).to(device)
    mem.accumulate_init(z, q, groups)
    mem.finalize_init()
    refine_ms = timed(lambda: mem.refine(z, q, p, groups), args.iters,
                      device)
    logits = torch.randn(len(z), args.classes, device=device,
                         requires_grad=True)
    loss_fn = SymmetricLoss()
    cal = mem.refine(z, q, p, groups)

    def loss_step():
        out = loss_fn(logits, cal.labels, cal.labels_long)
        (out['loss_ce'] + out['loss_rce']).backward()
    loss_ms = timed(loss_step, args.iters, device)
    rows = [('units per batch', f'{len(z)}', ''),
            ('memories + calibration (BiMem.refine)', f'{refine_ms:.2f}',
             'ms'),
            ('BiMem loss (forward + backward)', f'{loss_ms:.2f}', 'ms')]
    if args.official:
        sys.path.insert(0, osp.join(REPO, 'tests', 'core'))
        from official_reference import official_step
        state = dict(protos=mem.long_term.prototypes.clone(),
                     queue_f=torch.zeros(args.queue, args.dim,
                                         device=device),
                     queue_l=torch.ones(args.queue, dtype=torch.long,
                                        device=device))
        off_ms = timed(lambda: official_step(state, z, q, p, groups, args.k),
                       max(3, args.iters // 4), device)
        rows.append(('official per-class loops, same step', f'{off_ms:.2f}',
                     'ms'))
        rows.append(('speed-up of the vectorised step',
                     f'{off_ms / refine_ms:.1f}', 'x'))
    if args.model_step:
        warm, step = model_steps(args, device, refine_ms + loss_ms)
        rows += [('warm-up step (student fwd + bwd)', f'{warm:.1f}', 'ms'),
                 ('BiMem step (+ teacher fwd + memories + loss)',
                  f'{step:.1f}', 'ms'),
                 ('BiMem / warm-up step time', f'{step / warm:.2f}', 'x'),
                 ('share of the BiMem step in memories + loss',
                  f'{100 * (refine_ms + loss_ms) / step:.1f}', '%')]
    name = torch.cuda.get_device_name(device) if device.type == 'cuda' \
        else 'cpu'
    print(f'\nBiMem memory speed on {name} (torch {torch.__version__}), '
          f'queue {args.queue}, {args.classes} classes, {args.dim}-d, '
          f'k={args.k}, median of {args.iters}')
    print('| measure | value | unit |\n| --- | ---: | --- |')
    for r in rows:
        print(f'| {r[0]} | {r[1]} | {r[2]} |')


if __name__ == '__main__':
    main()
