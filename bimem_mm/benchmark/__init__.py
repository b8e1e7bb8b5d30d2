"""The benchmark suite: every task x every method through the real tools.

``tools/benchmark.py`` is the command; a *recipe* per task (:mod:`.cls`,
:mod:`.seg`, :mod:`.det`; the table :data:`.tasks.RECIPES`) says which
committed configs run each stage and which ``--cfg-options`` point them
at the data of a pair.
"""
