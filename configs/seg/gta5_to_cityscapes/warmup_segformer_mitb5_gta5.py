# Stage 1 with SegFormer MiT-B5 as the target model (the architecture DAFormer
# adapts with), by config: mmseg's MiT-B5 + SegformerHead with the 768-d MLP
# decoder of SegFormer-B5 / DAFormer; its fused map (`decode_head.fusion_conv`,
# stride 4 = the official BiMem unit grid, so upsample=1) holds the units.
# DAFormer's optimisation: AdamW 6e-5, head lr x10, no weight decay on norms
# and position blocks, 1500 linear warm-up iterations then poly 1.0, 40k.
_base_ = ['./warmup_deeplabv2_r101_gta5.py']
model = dict(
    model=dict(
        _delete_=True, data_preprocessor={{_base_.data_preprocessor}},
        cfg_path='mmseg::segformer/segformer_mit-b5_8xb1-160k_cityscapes-'
        '1024x1024.py', decode_head=dict(channels=768, num_classes=19)),
    units=dict(features='decode_head.fusion_conv'), upsample=1)
optim_wrapper = dict(
    _delete_=True, type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=6e-5, betas=(0.9, 0.999),
                   weight_decay=0.01),
    paramwise_cfg=dict(custom_keys={
        'student.decode_head': dict(lr_mult=10.),
        'pos_block': dict(decay_mult=0.), 'norm': dict(decay_mult=0.)}))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, end=1500),
    dict(type='PolyLR', power=1.0, eta_min=0.0, by_epoch=False, begin=1500,
         end=40000)]
train_cfg = dict(max_iters=40000)
