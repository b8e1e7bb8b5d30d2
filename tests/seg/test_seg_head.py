"""DeepLabV2 heads: shapes, features (recorded from their documented
layers), mmseg loss/predict."""
import pytest
import torch
from mmengine.config import ConfigDict
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

import bimem_mm.seg  # noqa: F401
from bimem_mm.models.recorder import LayerRecorder, layer_dim
from bimem_mm.registry import MODELS
from bimem_mm.seg import DeepLabV2BottleneckHead, DeepLabV2Head

C = 5


def _encoder_decoder(head, backbone=None):
    init_default_scope('mmseg')
    backbone = backbone or dict(type='bimem_mm.SmallConvNet', in_channels=1,
                                channels=(8, 16), downsample=(False, True))
    return MODELS.build(dict(
        type='EncoderDecoder',
        data_preprocessor=dict(type='SegDataPreProcessor', mean=[0.],
                               std=[1.], size_divisor=8),
        backbone=backbone, decode_head=head,
        test_cfg=ConfigDict(mode='whole')))


def _samples(n, hw):
    out = []
    for _ in range(n):
        s = SegDataSample(metainfo=dict(img_shape=hw, ori_shape=hw,
                                        pad_shape=hw))
        s.gt_sem_seg = PixelData(data=torch.randint(0, C, (1, ) + hw))
        out.append(s)
    return out


def _head_maps(head, layer, x):
    """(logits, features) of a head on backbone outputs ``x``."""
    with LayerRecorder(head, dict(features=layer)) as rec:
        logits = head(x)
    return logits, rec['features']


def test_classic_head_sums_four_dilated_branches():
    head = DeepLabV2Head(in_channels=16, num_classes=C)
    head.init_weights()
    assert [m.dilation for m in head.aspp] == [(6, 6), (12, 12), (18, 18),
                                               (24, 24)]
    assert layer_dim(head, 'aspp.0:input') == 16 and head.conv_seg is None
    x = torch.randn(2, 16, 9, 11)
    logits, feats = _head_maps(head, 'aspp.0:input', (x, ))
    assert logits.shape == (2, C, 9, 11) and feats is x
    assert torch.allclose(logits, sum(conv(x) for conv in head.aspp),
                          atol=1e-6)
    assert torch.equal(head((x, )), logits)
    assert head.aspp[0].weight.std() < 0.02        # N(0, 0.01) as original


def test_bottleneck_head_exposes_its_feature():
    head = DeepLabV2BottleneckHead(in_channels=32, channels=64,
                                   num_classes=C).eval()
    head.init_weights()
    assert layer_dim(head, 'bottleneck') == 64 and head.conv_seg.bias is None
    assert len(head.branches) == 5                # 1x1 + four dilations
    x = torch.randn(2, 32, 10, 12)
    logits, feats = _head_maps(head, 'bottleneck', (x, ))
    assert feats.shape == (2, 64, 10, 12) and logits.shape == (2, C, 10, 12)
    assert torch.allclose(logits, head.conv_seg(feats), atol=1e-6)
    assert torch.equal(head((x, )), logits)
    assert head.conv_seg.weight.std() < 0.005      # N(0, 1e-3) as official


@pytest.mark.parametrize('head', [
    dict(type='bimem_mm.DeepLabV2Head', in_channels=16, num_classes=C,
         dilations=(1, 2)),
    dict(type='bimem_mm.DeepLabV2BottleneckHead', in_channels=16,
         channels=32, num_classes=C, dilations=(1, 2),
         norm_cfg=dict(type='GN', num_groups=8))])
def test_heads_work_with_mmseg_loss_and_predict(head):
    model = _encoder_decoder(head)
    data = model.data_preprocessor(dict(
        inputs=[torch.randint(0, 255, (1, 24, 24)).byte() for _ in range(2)],
        data_samples=_samples(2, (24, 24))), True)
    losses = model.loss(data['inputs'], data['data_samples'])
    assert losses['decode.loss_ce'].requires_grad
    losses['decode.loss_ce'].backward()
    model.eval()
    preds = model.predict(data['inputs'], data['data_samples'])
    assert preds[0].seg_logits.data.shape == (C, 24, 24)
    assert preds[0].pred_sem_seg.data.shape == (1, 24, 24)


def test_head_on_a_dilated_resnet_has_output_stride_8():
    backbone = dict(type='ResNetV1c', depth=18, in_channels=1,
                    stem_channels=8, base_channels=8, num_stages=4,
                    out_indices=(3, ), strides=(1, 2, 1, 1),
                    dilations=(1, 1, 2, 4), norm_cfg=dict(type='BN'))
    model = _encoder_decoder(dict(type='bimem_mm.DeepLabV2BottleneckHead',
                                  in_channels=64, channels=32,
                                  num_classes=C,
                                  norm_cfg=dict(type='GN', num_groups=8)),
                             backbone)
    logits, feats = _head_maps(model, 'decode_head.bottleneck',
                               torch.randn(1, 1, 64, 48))
    assert logits.shape == (1, C, 8, 6) and feats.shape == (1, 32, 8, 6)
