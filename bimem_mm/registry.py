"""Child registries of MMEngine's roots with the scope ``bimem_mm``.

Every component of bimem_mm registers here. Because these registries are
children of MMEngine's roots (siblings of mmseg's, mmdet's and mmpretrain's),
a config whose ``default_scope`` is ``mmseg``, ``mmdet`` or ``mmpretrain``
reaches them with the ``bimem_mm.`` prefix, e.g.
``dict(type='bimem_mm.BiMemHook')``. The ``locations`` import only the
task-independent modules; task subpackages (``bimem_mm.cls``,
``bimem_mm.seg``, ``bimem_mm.det``) are pulled in by ``custom_imports``.
"""
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import Registry

# Only the kinds bimem_mm registers something of (a registry per kind it
# does not extend would only hold nothing: tests/package/test_scopes.py).
# ``locations``: where the task-independent ones live; the task
# subpackages register into the same registries when imported.
MODELS = Registry('model', parent=MMENGINE_MODELS, scope='bimem_mm',
                  locations=['bimem_mm.models'])
HOOKS = Registry('hook', parent=MMENGINE_HOOKS, scope='bimem_mm',
                 locations=['bimem_mm.engine'])
DATASETS = Registry('dataset', parent=MMENGINE_DATASETS, scope='bimem_mm',
                    locations=['bimem_mm.datasets'])
TRANSFORMS = Registry('transform', parent=MMENGINE_TRANSFORMS,
                      scope='bimem_mm', locations=['bimem_mm.datasets'])
# the metrics live with their task (bimem_mm.seg.metrics: SubsetIoUMetric)
METRICS = Registry('metric', parent=MMENGINE_METRICS, scope='bimem_mm',
                   locations=['bimem_mm.seg.metrics'])
