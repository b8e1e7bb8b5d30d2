# The black box: the source model, trained on the SOURCE domain with its
# labels by whoever owns it. Adaptation only sees its predictions
# (tools/predict_blackbox.py); it never loads these weights.
_base_ = ['./_base_resnet50_office31.py']
train_dataloader = dict(dataset=dict(
    _delete_=True, type='CustomDataset', data_root={{_base_.data_root}},
    data_prefix={{_base_.source_prefix}}, with_label=True,
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='RandomResizedCrop', scale=224),
        dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        dict(type='PackInputs')]))
memory_init_dataloader = None
