# Stage 2: BiMem from the warm-up checkpoint (its long-term memory is set
# by tools/init_memory.py, or by BiMemHook when it starts empty):
#   python tools/init_memory.py configs/det/digits/bimem_scenes.py \
#       work_dirs/warmup_scenes/iter_1000.pth --out work_dirs/memory.pth
#   python tools/train.py configs/det/digits/bimem_scenes.py \
#       --cfg-options load_from=work_dirs/memory.pth
_base_ = ['./_base_scenes_adapt.py']
model = dict(
    stage='bimem',
    drop_thr=0.0,             # calibrated confidence a box needs
    refiner=dict(
        queue_length=1024,    # ~35 batches of boxes (8 scenes x ~3.5)
        units_per_group=256,  # more than the boxes of a scene: all enter
        min_units_long=1))    # a detection unit is a whole box
