"""Training-loop pieces: hooks, EMA, memory initialisation."""
from .ema import ema_update
from .hooks import BiMemHook, PredictionStoreCheckHook
from .memory_init import initialize_memory, unwrap

__all__ = ['BiMemHook', 'PredictionStoreCheckHook', 'ema_update',
           'initialize_memory', 'unwrap']
