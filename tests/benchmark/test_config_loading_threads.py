"""tools/benchmark.py reads configs in its --jobs threads: one at a time,
since MMEngine reloads pkg_resources while reading a ``pkg::`` base (two at
once failed at random: "Expected str, Requirement, or Distribution")."""
import threading
import time

from mmengine.config import Config

from bimem_mm.benchmark import paper_options


def test_configs_are_read_one_at_a_time(monkeypatch):
    inside, most = [0], [0]
    guard = threading.Lock()
    real = Config.fromfile

    def slow_fromfile(*args, **kwargs):
        with guard:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.2)
        try:
            return real(*args, **kwargs)
        finally:
            with guard:
                inside[0] -= 1

    monkeypatch.setattr(Config, 'fromfile', slow_fromfile)
    configs = ['configs/cls/digits/warmup_digits.py',
               'configs/cls/digits/bimem_digits.py',
               'configs/seg/digits/warmup_scenes.py']
    paper_options.load.cache_clear()
    threads = [threading.Thread(target=paper_options.load, args=(c, ))
               for c in configs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    paper_options.load.cache_clear()
    assert most[0] == 1
    assert paper_options.load(configs[0]).model.stage == 'warmup'
