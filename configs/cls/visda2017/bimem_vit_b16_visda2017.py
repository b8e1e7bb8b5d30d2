# BiMem with a ViT-B/16 target model on VisDA-2017 (synthetic -> real), by config:
# mmpretrain's ViT-B/16 (its model zoo's ImageNet-21k pre-trained,
# ImageNet-1k fine-tuned weights; the 384-px position embedding is resized
# to 224 on load). Units: images, feature = the 768-d class token the head
# classifies (the input of `head.layers.head`). Same schedule as ResNet.
_base_ = ['./bimem_resnet101_visda2017.py']
model = dict(
    model=dict(
        _delete_=True, cfg_path='mmpretrain::_base_/models/vit-base-p16.py',
        data_preprocessor={{_base_.data_preprocessor}},
        backbone=dict(init_cfg=dict(   # replaces the base's Kaiming list
            _delete_=True, type='Pretrained', prefix='backbone',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/vit/'
            'finetune/vit-base-p16_in21k-pre-3rdparty_ft-64xb64_in1k-384_'
            '20210928-98e8652b.pth')),
        head=dict(num_classes=12)),
    units=dict(features='head.layers.head:input'))
