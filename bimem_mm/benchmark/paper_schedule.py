"""How long a config trains, and the cfg-options that scale its schedule
to another number of iterations (``tools/benchmark.py --iters``)."""
import functools
from dataclasses import dataclass
from typing import List, Sequence, Tuple

from . import paper_options


@dataclass(frozen=True)
class Schedule:
    """How long a config trains: iterations, or epochs (``by_epoch``)."""
    by_epoch: bool
    length: int
    schedulers: Tuple[dict, ...]


@functools.lru_cache(maxsize=None)
def _load_schedule(config: str, options: Tuple[str, ...]) -> Schedule:
    cfg = paper_options.load(config, options)
    loop = cfg.train_cfg
    by_epoch = 'max_epochs' in loop
    length = loop.max_epochs if by_epoch else loop.max_iters
    schedulers = cfg.get('param_scheduler') or []
    if isinstance(schedulers, dict):
        schedulers = [schedulers]
    return Schedule(by_epoch, int(length),
                    tuple(dict(s) for s in schedulers))


def schedule_of(config: str, options: Sequence[str] = ()) -> Schedule:
    """The training schedule of ``config`` after the schedule-related
    ``options`` (``train_cfg.*``, ``param_scheduler*``)."""
    return _load_schedule(config, tuple(
        o for o in options if o.startswith(('train_cfg.', 'param_scheduler'))))


def scaled_iteration_options(schedule: Schedule, n: int) -> List[str]:
    """cfg-options training an iteration-based config for ``n`` iterations
    instead of ``schedule.length``: every scheduler's begin/end and
    milestones scaled by ``n / length`` and rounded down (warm-up, poly
    and step decay keep their shape), validation and a checkpoint at the
    end. A point inside the schedule stays inside (``1 .. n - 1``), so
    schedulers that meet still meet; a scheduler keeps at least one
    iteration (``end > begin``, as MMEngine requires) and its milestones
    stay distinct, however small ``n`` is. The one schedule helper of the
    benchmarks: digit recipes (:meth:`.recipe.Recipe.iteration_options`)
    and paper ones (``--iters``)."""
    length = schedule.length

    def at(x):
        x = int(x)
        if x <= 0 or x >= length:
            return 0 if x <= 0 else n
        return min(max(x * n // length, 1), max(n - 1, 0))
    opts = [f'train_cfg.max_iters={n}', f'train_cfg.val_interval={n}',
            f'default_hooks.checkpoint.interval={n}']
    for i, s in enumerate(schedule.schedulers):
        begin, end = s.get('begin'), s.get('end')
        if isinstance(begin, int):
            begin = min(at(begin), n - 1)
            opts.append(f'param_scheduler.{i}.begin={begin}')
        if isinstance(end, int):
            end = max(at(end), (begin or 0) + 1)
            opts.append(f'param_scheduler.{i}.end={end}')
        if s.get('milestones'):
            milestones = []
            for m in sorted(s['milestones']):
                m = max(at(m), milestones[-1] + 1 if milestones else 1)
                milestones.append(m)
            opts.append(f'param_scheduler.{i}.milestones='
                        f'[{",".join(str(m) for m in milestones)}]')
    return opts
