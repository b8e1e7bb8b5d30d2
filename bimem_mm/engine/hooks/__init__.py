from .bimem_hook import BiMemHook
from .store_check_hook import PredictionStoreCheckHook

__all__ = ['BiMemHook', 'PredictionStoreCheckHook']
