# Stage 1 (official "baseline"): cross entropy on argmax of the black box
# per grid pixel, 10x learning rate on the decode head. (The official warm-up
# also freezes BN: that needs a pretrained backbone; this one starts from
# scratch, see configs/seg/gta5_to_cityscapes for the frozen-BN version.)
_base_ = ['./_base_scenes_adapt.py']
model = dict(stage='warmup')
optim_wrapper = dict(
    optimizer=dict(lr=5e-4),
    paramwise_cfg=dict(custom_keys={'student.decode_head': dict(lr_mult=10.)}))
