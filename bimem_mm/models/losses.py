"""The registered BiMem loss."""
from ..core import SymmetricLoss
from ..registry import MODELS


@MODELS.register_module()
class BiMemLoss(SymmetricLoss):
    """alpha * CE(fused label) + beta * RCE(long-term label).

    A registered alias of :class:`bimem_mm.core.SymmetricLoss`.
    """
