# Stage 2: BiMem from the warm-up checkpoint (memory init by the hook, or
# load_from the output of tools/init_memory.py).
_base_ = ['./_base_adapt_resnet50_office31.py']
model = dict(
    stage='bimem',
    # a unit is an image: a shorter queue and one image per class vector
    # (docs/classification.md). T stays at the official 1 (faithful);
    # bimem_plus sets 10, the distances of GAP features being on another
    # scale than ProDA's 256-d ones (configs/_base_/bimem/bimem_plus.py):
    # model.refiner.temperature
    refiner=dict(queue_length=2048, min_units_long=1),
)
