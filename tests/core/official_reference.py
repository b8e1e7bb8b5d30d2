"""A loop-by-loop transliteration of one official BiMem step (for tests).

Mirrors the authors' ``CustomModel.step``: per-class distance loops, a
queue that prepends each image's top-k, the ``label[-1] != 0`` full test,
per-class short-term means with a 10-unit minimum, and sequential
per-(image, class) long-term updates. Slow on purpose; tests only.
"""
import torch


def _entropy(p):
    return -(p * torch.log(p + 1e-10)).sum(1)


def _weights(z, protos, T):
    d = torch.stack([torch.norm(z - protos[c], dim=1)
                     for c in range(protos.shape[0])], 1)
    d = d - d.min(1, keepdim=True).values
    return torch.softmax(-T * d, 1)


def official_step(state, z, q, p, groups, k, T=1.0, lam=1e-4,
                  min_short=10, min_long=10):
    """Mutates ``state`` (protos, queue_f, queue_l); returns (y, y_long)."""
    protos, queue_f, queue_l = state['protos'], state['queue_f'], \
        state['queue_l']
    C = protos.shape[0]
    w = _weights(z, protos, T)
    y_long = (w * p).argmax(1)
    sensory = (w * q).argmax(1)
    for i in groups.unique().tolist():
        members = (groups == i).nonzero().flatten()
        top = members[torch.topk(_entropy(q[members]), min(k, len(members))
                                 ).indices]
        queue_f = torch.cat([z[top], queue_f])[:len(queue_f)]
        queue_l = torch.cat([sensory[top], queue_l])[:len(queue_l)]
    full = bool(queue_l[-1] != 0)
    short_ids = []
    if full:
        short = protos.clone()
        for c in range(C):
            m = queue_l == c
            if m.sum() >= min_short:
                short[c] = queue_f[m].mean(0)
                short_ids.append(c)
        ws = _weights(z, short, T)
        y = (0.5 * w * p + 0.5 * ws * p).argmax(1)
    else:
        y = y_long
    t_label = q.argmax(1)
    for i in groups.unique().tolist():
        for c in range(C):
            m = (groups == i) & (t_label == c)
            if m.sum() < min_long:
                continue
            v = z[m].mean(0)
            if full and c in short_ids:
                v = (1 - lam) * v + lam * short[c]
            protos[c] = protos[c] * (1 - lam) + lam * v
    state.update(protos=protos, queue_f=queue_f, queue_l=queue_l)
    return y, y_long
