# BiMem on SegFormer (MixVisionTransformer + SegformerHead, the model
# DAFormer adapts with), MiT shrunk to 8-64 channels and one block per
# stage for the digit scenes. Units: pixels of the head's fused 16-d map,
# the output of `decode_head.fusion_conv` (stride 4, as the logits).
_base_ = ['./bimem_scenes.py']
model = dict(
    model=dict(
        _delete_=True, cfg_path='mmseg::_base_/models/segformer_mit-b0.py',
        data_preprocessor={{_base_.data_preprocessor}},
        backbone=dict(in_channels=1, embed_dims=8, num_layers=[1, 1, 1, 1],
                      num_heads=[1, 2, 4, 8], sr_ratios=[2, 1, 1, 1]),
        decode_head=dict(in_channels=[8, 16, 32, 64], channels=16,
                         num_classes=11, norm_cfg=dict(type='BN'))),
    units=dict(features='decode_head.fusion_conv'))
