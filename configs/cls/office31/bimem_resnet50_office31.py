# Stage 2: BiMem from the warm-up checkpoint (memory init by the hook, or
# load_from the output of tools/init_memory.py).
_base_ = ['./_base_adapt_resnet50_office31.py']
model = dict(
    stage='bimem',
    refiner=dict(queue_length=2048, min_units_long=1),
    # the student's GAP features live at another scale than ProDA's 256-d
    # ones; T is a config value (see docs/classification.md)
)
