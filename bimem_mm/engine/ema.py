"""EMA teacher update (vectorised over all parameters)."""
import torch
from torch import nn


@torch.no_grad()
def ema_update(teacher: nn.Module, student: nn.Module, momentum: float,
               copy_buffers: bool = True) -> None:
    """teacher <- momentum * teacher + (1 - momentum) * student.

    Args:
        momentum: official 0.999.
        copy_buffers: copy buffers (BN statistics) from the student, as
            the official code does; False averages them like parameters
            (integer buffers are always copied).
    """
    t_params = [p for p in teacher.parameters()]
    s_params = [p.detach() for p in student.parameters()]
    if len(t_params) != len(s_params):
        raise ValueError('teacher and student have different parameters')
    torch._foreach_mul_(t_params, momentum)
    torch._foreach_add_(t_params, s_params, alpha=1 - momentum)
    for tb, sb in zip(teacher.buffers(), student.buffers()):
        if copy_buffers or not tb.dtype.is_floating_point:
            tb.copy_(sb)
        else:
            tb.mul_(momentum).add_(sb, alpha=1 - momentum)
