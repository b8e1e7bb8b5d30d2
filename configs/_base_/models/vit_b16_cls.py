# ViT-B/16 as the target model of the paper-scale classification configs
# (configs/cls/*/bimem_vit_b16_*.py): mmpretrain's ViT-B/16 (its model
# zoo's ImageNet-21k pre-trained, ImageNet-1k fine-tuned weights; the
# 384-px position embedding is resized to 224 on load). Units: images,
# feature = the 768-d class token the head classifies (the input of
# `head.layers.head`). Use over a ResNet BiMem config:
#   model = dict(model=dict(_base_.vit_b16, head=dict(num_classes=...),
#                           data_preprocessor=_base_.data_preprocessor),
#                units=_base_.vit_b16_units)
vit_b16 = dict(
    _delete_=True, cfg_path='mmpretrain::_base_/models/vit-base-p16.py',
    backbone=dict(init_cfg=dict(   # replaces the base's Kaiming list
        _delete_=True, type='Pretrained', prefix='backbone',
        checkpoint='https://download.openmmlab.com/mmclassification/v0/vit/'
        'finetune/vit-base-p16_in21k-pre-3rdparty_ft-64xb64_in1k-384_'
        '20210928-98e8652b.pth')))
vit_b16_units = dict(features='head.layers.head:input')
