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
        # T chosen on the development pair sklearn digits -> USPS scenes
        # (mAP50: T=1 79.9, T=10 86.0, T=30 86.4; warm-up 73.1): the 256-d
        # RoI features need a sharper softmax than ProDA's T=1
        temperature=10.0,
        queue_length=1024,    # ~35 batches of boxes (8 scenes x ~3.5)
        units_per_group=256,  # more than the boxes of a scene: all enter
        min_units_long=1))    # a detection unit is a whole box
