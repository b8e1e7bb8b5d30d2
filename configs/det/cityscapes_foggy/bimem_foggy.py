# Stage 2: BiMem from the warm-up checkpoint; the long-term memory is set
# from the teacher's RoI features of the black-box boxes first:
#   python tools/init_memory.py configs/det/cityscapes_foggy/bimem_foggy.py \
#       work_dirs/warmup_foggy/iter_20000.pth --out work_dirs/foggy_memory.pth
#   python tools/train.py configs/det/cityscapes_foggy/bimem_foggy.py \
#       --cfg-options load_from=work_dirs/foggy_memory.pth
_base_ = ['./_base_foggy_adapt.py']
max_iters = 10000
model = dict(
    stage='bimem',
    drop_thr=0.0,              # calibrated confidence a box needs
    refiner=dict(
        queue_length=8192,     # boxes (1024-d RoI features)
        units_per_group=256,   # more than the boxes of an image: all enter
        min_units_long=1))     # a detection unit is a whole box
optim_wrapper = dict(optimizer=dict(lr=0.005))
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, begin=0,
                        end=max_iters, milestones=[7500], gamma=0.1)]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
