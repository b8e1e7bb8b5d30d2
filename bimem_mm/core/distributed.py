"""Collectives that keep every rank's memories identical under DDP.

Plain ``torch.distributed`` (the core imports no mm package); each is a
no-op when no process group is initialised.
"""
from typing import List

import torch
import torch.distributed as dist


def is_distributed() -> bool:
    return dist.is_available() and dist.is_initialized() and \
        dist.get_world_size() > 1


def all_gather_cat(tensors: List[torch.Tensor]) -> List[torch.Tensor]:
    """Concatenate each tensor (rows of varying count) over ranks.

    Every tensor in ``tensors`` must have the same number of rows on a
    rank; rows are padded to the largest rank, gathered, and unpadded.
    The result is in rank order, so it is identical on every rank.

    Args:
        tensors: tensors of shape (M_rank, ...) sharing M_rank.

    Returns:
        The same tensors with shape (sum of M over ranks, ...).
    """
    if not is_distributed():
        return tensors
    world = dist.get_world_size()
    device = tensors[0].device
    count = torch.tensor([tensors[0].shape[0]], device=device)
    counts = [torch.zeros_like(count) for _ in range(world)]
    dist.all_gather(counts, count)
    counts = torch.cat(counts).tolist()
    most = max(counts)
    out = []
    for t in tensors:
        padded = t.new_zeros((most,) + t.shape[1:])
        padded[:t.shape[0]] = t
        parts = [torch.empty_like(padded) for _ in range(world)]
        dist.all_gather(parts, padded.contiguous())
        out.append(torch.cat([p[:c] for p, c in zip(parts, counts)]))
    return out


def all_reduce_sum(tensor: torch.Tensor) -> torch.Tensor:
    """Sum ``tensor`` over ranks, in place, and return it."""
    if is_distributed():
        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
    return tensor
