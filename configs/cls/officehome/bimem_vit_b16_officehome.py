# BiMem with a ViT-B/16 target model on Office-Home (Ar -> Cl), by config
# (configs/_base_/models/vit_b16_cls.py). Same schedule as ResNet.
_base_ = ['./bimem_resnet50_officehome.py',
          '../../_base_/models/vit_b16_cls.py']
model = dict(
    model=dict(_base_.vit_b16, data_preprocessor=_base_.data_preprocessor,
               head=dict(num_classes=_base_.num_classes)),
    units=_base_.vit_b16_units)
