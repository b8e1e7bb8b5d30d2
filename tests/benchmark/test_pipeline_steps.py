"""Pipeline steps addressed by type, not by a hard-coded index."""
import pytest

from bimem_mm.benchmark.cls import CONFIGS as CLS
from bimem_mm.benchmark.det import CONFIGS as DET
from bimem_mm.benchmark.pipeline_steps import step_options
from bimem_mm.benchmark.seg import CONFIGS as SEG


def test_the_store_reader_of_every_task_is_found():
    """LoadBlackBoxPrediction and its seg/det subclasses: the step with a
    ``store``, wherever the config puts it."""
    for configs in (CLS, SEG, DET):
        opts = step_options(configs['bimem'], 'train_dataloader', 'store',
                            required=True, store='/s')
        assert opts == ['train_dataloader.dataset.pipeline.0.store=/s']
    # detection's memory initialisation reads the stored boxes too
    assert step_options(DET['bimem'], 'memory_init_dataloader', 'store',
                        store='/s') != []


def test_steps_by_type_and_missing_ones():
    opts = step_options(CLS['warmup'], 'train_dataloader', 'PackInputs',
                        algorithm_keys=['bb_probs', 'analysis_label'])
    assert opts == ["train_dataloader.dataset.pipeline.2.algorithm_keys="
                    "['bb_probs','analysis_label']"]
    # the black box reads no store: nothing, or an error naming the config
    assert step_options(CLS['black_box'], 'train_dataloader', 'store',
                        store='/s') == []
    with pytest.raises(ValueError, match='blackbox_digits.py: no store'):
        step_options(CLS['black_box'], 'train_dataloader', 'store',
                     required=True, store='/s')
