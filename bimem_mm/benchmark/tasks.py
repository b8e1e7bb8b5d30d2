"""The recipe of each digit-suite task, the one table the tools share
(tools/benchmark.py, tools/benchmarks/bimem_plus_ablation.py)."""
from .cls import ClsRecipe
from .det import DetRecipe
from .seg import SegRecipe

# in the order tables and --tasks list them
RECIPES = {'cls': ClsRecipe, 'det': DetRecipe, 'seg': SegRecipe}
