"""How a classification black box's outputs become store records."""
import numpy as np


def record_from_model(data_sample, data_info, args) -> dict:
    """mmpretrain prediction -> ``PredictionWriter.add`` kwargs."""
    return dict(probs=data_sample.pred_score.float().cpu().numpy())


def record_from_callable(output, data_info, args) -> dict:
    """A callable's per-image output (C,) probabilities -> kwargs."""
    if isinstance(output, dict):
        return dict(output)
    return dict(probs=np.asarray(output, dtype=np.float32))
