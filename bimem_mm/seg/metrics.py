"""mIoU over class subsets (e.g. SYNTHIA's 13-class protocol)."""
from typing import Dict, Sequence

import numpy as np
from mmseg.evaluation import IoUMetric

from ..registry import METRICS


@METRICS.register_module()
class SubsetIoUMetric(IoUMetric):
    """mmseg's ``IoUMetric`` plus the mean IoU of named class subsets.

    Args:
        subsets: {metric name: class names}, e.g.
            ``dict(mIoU13=[...13 SYNTHIA classes...])``: the 13-class
            protocol reported from the 16-class model.
        **kwargs: ``IoUMetric`` arguments.
    """

    def __init__(self, subsets: Dict[str, Sequence[str]] = None, **kwargs):
        super().__init__(**kwargs)
        self.subsets = dict(subsets or {})

    def compute_metrics(self, results: list) -> Dict[str, float]:
        metrics = super().compute_metrics(results)
        if not self.subsets or self.format_only:
            return metrics
        inter, union = (sum(r[i] for r in results) for i in (0, 1))
        iou = (inter / union).cpu().numpy()
        names = list(self.dataset_meta['classes'])
        for key, classes in self.subsets.items():
            missing = [c for c in classes if c not in names]
            if missing:
                raise ValueError(f'{key}: classes {missing} are not in the '
                                 f'dataset classes {names}')
            idx = [names.index(c) for c in classes]
            metrics[key] = float(np.round(np.nanmean(iou[idx]) * 100, 2))
        return metrics
