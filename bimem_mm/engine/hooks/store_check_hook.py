"""Check, before training, that a store covers exactly the training set."""
from mmengine.hooks import Hook

from ...registry import HOOKS


def _stores_in(pipeline):
    from ...datasets.transforms import LoadBlackBoxPrediction
    for t in getattr(pipeline, 'transforms', []):
        if isinstance(t, LoadBlackBoxPrediction):
            yield t


def _base_dataset(dataset):
    while hasattr(dataset, 'dataset'):   # RepeatDataset and friends
        dataset = dataset.dataset
    return dataset


@HOOKS.register_module()
class PredictionStoreCheckHook(Hook):
    """Stops the run if an image of the training set has no black-box
    prediction, or the store has predictions for images not in it."""
    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        from ...datasets.transforms import sample_key
        dataset = _base_dataset(runner.train_dataloader.dataset)
        for t in _stores_in(dataset.pipeline):
            keys = [sample_key(dataset.get_data_info(i), t.key_root)
                    for i in range(len(dataset))]
            t.store.check_keys(keys, what=f'training set '
                               f'({type(dataset).__name__})')
