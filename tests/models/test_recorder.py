"""LayerRecorder: the naming rule, widths read from layers, clear errors;
tools/list_layers.py lists the names and shapes a config's units can use."""
import contextlib
import importlib.util
import io
import os.path as osp

import pytest
import torch
from torch import nn

from bimem_mm.models.recorder import LayerRecorder, layer_dim, parse_layer

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(6, 4, 1))
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        z = self.body(x).mean((2, 3))
        return self.fc(z), (z, z + 1)       # a tuple-returning "layer"


def test_outputs_inputs_and_widths():
    net = Net()
    x = torch.randn(2, 1, 5, 5)
    with LayerRecorder(net, dict(features='fc:input', conv='body.0',
                                 body='body', none=None)) as rec:
        logits, _ = net(x)
    assert rec['features'].shape == (2, 4)
    torch.testing.assert_close(net.fc(rec['features']), logits)
    assert rec['conv'].shape == (2, 6, 5, 5) and 'none' not in rec
    assert layer_dim(net, 'fc:input') == 4 and layer_dim(net, 'fc') == 3
    assert layer_dim(net, 'body') == 4        # the Sequential's last conv
    assert layer_dim(net, 'body:input') == 1
    # hooks live only inside the block
    assert not net.fc._forward_hooks and not net.body._forward_hooks


def test_tuple_output_gives_its_last_item():
    outer = nn.Module()
    outer.inner = Net()
    with LayerRecorder(outer, dict(f='inner')) as rec:
        outer.inner(torch.randn(1, 1, 3, 3))
    assert rec['f'].shape == (1, 4)       # z + 1 of (logits, (z, z + 1))


def test_clear_errors():
    net = Net()
    with pytest.raises(KeyError, match="no layer 'body.9'.*list_layers"):
        layer_dim(net, 'body.9')
    with pytest.raises(KeyError, match="layers named 'fc': \\['0.fc'\\]"):
        LayerRecorder(nn.Sequential(net), dict(f='fc')).__enter__()
    with pytest.raises(ValueError, match="only suffix is ':input'"):
        parse_layer('fc:output')
    with pytest.raises(ValueError, match='cannot read the width'):
        layer_dim(net, 'body.1')                 # a ReLU has no width
    with LayerRecorder(net, dict(f='fc')) as rec:
        pass                                      # no forward ran
    with pytest.raises(RuntimeError, match='did not run'):
        rec['f']


def test_wrapper_refuses_a_wrong_layer_name(tmp_path):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from bimem_mm.registry import MODELS
    cfg = Config.fromfile(osp.join(REPO, 'configs/cls/digits/bimem_digits.py'))
    init_default_scope('mmpretrain')
    cfg.model.units = dict(features='head.fcc:input')
    with pytest.raises(KeyError, match="no layer 'head.fcc'"):
        MODELS.build(cfg.model)
    cfg.model.units = dict(feature='head.fc:input')
    with pytest.raises(TypeError, match="unknown keys \\['feature'\\]"):
        MODELS.build(cfg.model)


def _list_layers(*argv):
    spec = importlib.util.spec_from_file_location(
        '_list_layers', osp.join(REPO, 'tools', 'list_layers.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        tool.main([str(a) for a in argv])
    return out.getvalue().splitlines()


def test_list_layers_on_a_segformer_config(tmp_path):
    import sys
    sys.path.insert(0, osp.join(REPO, 'tests', 'seg'))
    try:
        from seg_helpers import make_npz
    finally:
        sys.path.pop(0)
    npz = make_npz(tmp_path / 'digits.npz')
    lines = _list_layers(
        'configs/seg/digits/bimem_segformer_scenes.py', '--filter',
        'decode_head', '--cfg-options', f'val_dataloader.dataset.npz_file={npz}',
        'val_dataloader.dataset.num_scenes=2', 'val_dataloader.batch_size=2',
        'val_dataloader.dataset.canvas=32', 'val_dataloader.dataset.crop=None')
    rows = {line.split()[0]: line for line in lines[1:]}
    assert all(name.startswith('decode_head') for name in rows)
    # the unit layer of the config, its (B, D, h, w) map at stride 4
    assert rows['decode_head.fusion_conv'].endswith('(2, 16, 8, 8)')
    assert 'decode_head.conv_seg:input' in rows
    assert rows['decode_head.conv_seg'].endswith('(2, 11, 8, 8)')
