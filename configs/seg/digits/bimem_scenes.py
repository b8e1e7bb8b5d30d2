# Stage 2: BiMem from the warm-up (or tools/init_memory.py) checkpoint:
#   python tools/train.py configs/seg/digits/bimem_scenes.py \
#       --cfg-options load_from=work_dirs/warmup_scenes/iter_600.pth
_base_ = ['./_base_scenes_adapt.py']
model = dict(
    stage='bimem',
    refiner=dict(
        temperature=1.0))     # official; the features are 32-d here
