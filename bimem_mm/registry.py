"""Child registries of MMEngine's roots with the scope ``bimem_mm``.

Every component of bimem_mm registers here. Because these registries are
children of MMEngine's roots (siblings of mmseg's, mmdet's and mmpretrain's),
a config whose ``default_scope`` is ``mmseg``, ``mmdet`` or ``mmpretrain``
reaches them with the ``bimem_mm.`` prefix, e.g.
``dict(type='bimem_mm.BiMemHook')``. The ``locations`` import only the
task-independent modules; task subpackages (``bimem_mm.cls``,
``bimem_mm.seg``, ``bimem_mm.det``) are pulled in by ``custom_imports``.
"""
from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import EVALUATOR as MMENGINE_EVALUATOR
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import TASK_UTILS as MMENGINE_TASK_UTILS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import Registry

MODELS = Registry('model', parent=MMENGINE_MODELS, scope='bimem_mm',
                  locations=['bimem_mm.models'])
MODEL_WRAPPERS = Registry('model_wrapper', parent=MMENGINE_MODEL_WRAPPERS,
                          scope='bimem_mm', locations=['bimem_mm.models'])
HOOKS = Registry('hook', parent=MMENGINE_HOOKS, scope='bimem_mm',
                 locations=['bimem_mm.engine'])
LOOPS = Registry('loop', parent=MMENGINE_LOOPS, scope='bimem_mm',
                 locations=['bimem_mm.engine'])
DATASETS = Registry('dataset', parent=MMENGINE_DATASETS, scope='bimem_mm',
                    locations=['bimem_mm.datasets'])
DATA_SAMPLERS = Registry('data sampler', parent=MMENGINE_DATA_SAMPLERS,
                         scope='bimem_mm', locations=['bimem_mm.datasets'])
TRANSFORMS = Registry('transform', parent=MMENGINE_TRANSFORMS,
                      scope='bimem_mm', locations=['bimem_mm.datasets'])
# the metrics live with their task (bimem_mm.seg.metrics: SubsetIoUMetric)
METRICS = Registry('metric', parent=MMENGINE_METRICS, scope='bimem_mm',
                   locations=['bimem_mm.seg.metrics'])
EVALUATOR = Registry('evaluator', parent=MMENGINE_EVALUATOR,
                     scope='bimem_mm')
OPTIM_WRAPPERS = Registry('optim_wrapper', parent=MMENGINE_OPTIM_WRAPPERS,
                          scope='bimem_mm')
PARAM_SCHEDULERS = Registry('parameter scheduler',
                            parent=MMENGINE_PARAM_SCHEDULERS,
                            scope='bimem_mm')
TASK_UTILS = Registry('task util', parent=MMENGINE_TASK_UTILS,
                      scope='bimem_mm')
VISUALIZERS = Registry('visualizer', parent=MMENGINE_VISUALIZERS,
                       scope='bimem_mm')
