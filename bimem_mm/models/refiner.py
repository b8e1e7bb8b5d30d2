"""The registered pseudo-label refiner: BiMem's memories and flows."""
from ..core import BiMem
from ..registry import MODELS


@MODELS.register_module()
class BiMemRefiner(BiMem):
    """Pseudo-label refiner holding the sensory/short/long-term memories.

    A registered alias of :class:`bimem_mm.core.BiMem`; its memories are
    buffers, so they are saved in checkpoints and restored on resume.
    See the core class for the arguments (official defaults).
    """
