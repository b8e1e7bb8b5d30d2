"""The one schedule helper (bimem_mm/benchmark/paper_schedule.py) as the
digit recipes use it: the same schedule values as the per-recipe helpers
it replaced (det: a linear warm-up of n // 10 iterations, then poly)."""
from mmengine.config import Config, DictAction

from bimem_mm.benchmark import paper_schedule
from bimem_mm.benchmark.cls import ClsRecipe
from bimem_mm.benchmark.det import DetRecipe
from bimem_mm.benchmark.seg import SegRecipe

DET = 'configs/det/digits/warmup_scenes.py'


def _built(config, options):
    cfg = Config.fromfile(config)
    cfg.merge_from_dict({k: DictAction._parse_iterable(v) for k, v in
                         (o.split('=', 1) for o in options)})
    return cfg


def test_det_warmup_then_poly_meet_at_n_div_10():
    schedule = paper_schedule.schedule_of(DET)
    for n in (3, 7, 166, 333, 400, 1000):
        cfg = _built(DET, paper_schedule.scaled_iteration_options(schedule,
                                                                  n))
        warm = max(1, n // 10)    # what DetRecipe.scheduler_options gave
        assert [(s.begin, s.end) for s in cfg.param_scheduler] == [
            (0, warm), (warm, n)], n
        assert cfg.train_cfg.max_iters == n
        assert cfg.default_hooks.checkpoint.interval == n


def test_recipes_scale_their_own_config_schedule():
    for recipe in (ClsRecipe, SegRecipe, DetRecipe):
        for method in ('black_box', 'bimem'):
            config = recipe.configs[method]
            schedule = paper_schedule.schedule_of(config)
            opts = paper_schedule.scaled_iteration_options(schedule, 250)
            cfg = _built(config, opts)
            assert cfg.param_scheduler[-1].end == 250, (config, opts)
            assert cfg.train_cfg.val_interval == 250
    # method options that change the schedule are followed
    opts = paper_schedule.scaled_iteration_options(paper_schedule.schedule_of(
        DET, ['param_scheduler.0.end=500', 'param_scheduler.1.begin=500']),
        100)
    assert 'param_scheduler.0.end=50' in opts
