"""The BiMem algorithm in plain PyTorch (imports no mm package)."""
from .adaptive_target import AdaptiveTarget, label_accuracies
from .bimem import SELECTIONS, BiMem
from .calibration import Calibration, calibrate, hard_labels, memory_weights
from .distributions import entropy, expand_topk, hard_to_probs, normalise
from .grouped import class_means, group_class_means, rank_within, select_top_k
from .long_term import LongTermMemory
from .losses import SymmetricLoss, reverse_cross_entropy
from .short_term import ShortTermMemory
from .warmup import WarmupLoss, class_weights, soft_targets

__all__ = [
    'AdaptiveTarget', 'label_accuracies',
    'BiMem', 'SELECTIONS', 'Calibration', 'calibrate', 'hard_labels',
    'memory_weights', 'entropy', 'expand_topk', 'hard_to_probs', 'normalise',
    'class_means', 'group_class_means', 'rank_within', 'select_top_k',
    'LongTermMemory', 'ShortTermMemory', 'SymmetricLoss',
    'reverse_cross_entropy', 'WarmupLoss', 'class_weights', 'soft_targets'
]
