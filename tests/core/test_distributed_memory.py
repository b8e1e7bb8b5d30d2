"""Two CPU processes (gloo): every rank ends with identical memories,
equal to one process seeing both ranks' batches."""
import os

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from bimem_mm.core import BiMem

C, D, L, K = 4, 6, 48, 5


def _rank_batch(step, rank, n_img=2, per_img=20):
    g = torch.Generator().manual_seed(1000 * step + rank)
    n = n_img * per_img
    z = torch.randn(n, D, generator=g)
    q = torch.softmax(2 * torch.randn(n, C, generator=g), 1)
    p = torch.softmax(2 * torch.randn(n, C, generator=g), 1)
    groups = torch.arange(n_img).repeat_interleave(per_img)
    return z, q, p, groups


def _new_memory():
    return BiMem(C, D, queue_length=L, units_per_group=K, momentum=0.05,
                 min_units_long=2, min_units_short=3)


def _run(mem, batches_per_step):
    """batches_per_step: list over steps of list of (z, q, p, groups)."""
    for step, batches in enumerate(batches_per_step):
        offset, parts = 0, []
        for z, q, p, g in batches:       # concatenate, keeping groups apart
            parts.append((z, q, p, g + offset))
            offset += int(g.max()) + 1
        z, q, p, g = (torch.cat(t) for t in zip(*parts))
        if step == 0:
            mem.accumulate_init(z, q, g)
            mem.finalize_init()
        else:
            mem.refine(z, q, p, g)
    return mem


def _worker(rank, world, init_file, out_dir):
    dist.init_process_group('gloo', init_method=f'file://{init_file}',
                            rank=rank, world_size=world)
    mem = _new_memory()
    _run(mem, [[_rank_batch(s, rank)] for s in range(5)])
    torch.save(mem.state_dict(), os.path.join(out_dir, f'rank{rank}.pt'))
    dist.destroy_process_group()


def test_two_process_memories_are_identical(tmp_path):
    mp.spawn(_worker, args=(2, str(tmp_path / 'init'), str(tmp_path)),
             nprocs=2, join=True)
    r0 = torch.load(tmp_path / 'rank0.pt')
    r1 = torch.load(tmp_path / 'rank1.pt')
    single = _run(_new_memory(), [[_rank_batch(s, 0), _rank_batch(s, 1)]
                                  for s in range(5)]).state_dict()
    assert int(r0['short_term.num_pushed']) == 4 * 2 * 2 * K
    for name in r0:
        assert torch.equal(r0[name], r1[name]), name
        assert torch.allclose(r0[name].float(), single[name].float(),
                              atol=1e-6), name
