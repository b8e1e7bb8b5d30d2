"""Issue 12 through the real tools: a checkpoint of another model (case 1),
a second store writer (case 2) and --resume of a non-training file (case 9)
end with one line naming the file instead of a silent wrong result.

Refusals happen before any work, so they call each tool's ``main`` in this
process; runs that must finish go through a subprocess."""
import importlib.util
import os.path as osp
import sys

import pytest
import torch
from tool_helpers import (
    BIMEM,
    BLACKBOX,
    REPO,
    build_model,
    make_data,
    run_tool,
    tiny_options,
)

pytestmark = pytest.mark.slow


def tool_main(name):
    """``main`` of tools/<name>.py (loaded under a private module name:
    ``test`` would be the standard library's package)."""
    spec = importlib.util.spec_from_file_location(
        f'_bimem_tool_{name}', osp.join(REPO, 'tools', f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def refusal(tool, *argv):
    """The one-line message a tool exits with."""
    entry = getattr(tool, 'run_cli', None)   # predict_blackbox's CLI entry
    with pytest.raises(SystemExit) as e:
        if entry is None:
            tool.main([str(a) for a in argv])
        else:
            old, sys.argv = sys.argv, ['tool'] + [str(a) for a in argv]
            try:
                entry()
            finally:
                sys.argv = old
    msg = str(e.value.code)
    assert '\n' not in msg, msg
    return msg


@pytest.fixture(scope='module')
def files(tmp_path_factory):
    """Tiny data and checkpoints: the black box's own, a 12-class head, a
    BiMem model (as a warm-up checkpoint) and a plain classifier."""
    tmp = tmp_path_factory.mktemp('tools')
    npz, store = make_data(str(tmp))
    out = dict(npz=npz, store=store, tmp=tmp)
    for name, config, opts in (
            ('bb', BLACKBOX, {}),
            ('head12', BLACKBOX, {'model.head.num_classes': 12}),
            ('bimem', BIMEM, {})):
        path = tmp / f'{name}.pth'
        torch.save({'state_dict': build_model(config, opts).state_dict()},
                   path)
        out[name] = path
    return out


def _target(npz):
    return [o for o in tiny_options(npz)
            if o.startswith('train_dataloader.dataset')]


def test_test_py_refuses_another_models_checkpoint(files):
    """Before: MMEngine's warning, exit 0, a metric of random weights."""
    args = ['--work-dir', files['tmp'] / 'test', '--cfg-options',
            *tiny_options(files['npz'], memory_init=False)]
    msg = refusal(tool_main('test'), BLACKBOX, files['head12'], *args)
    assert msg == (
        f"error: {files['head12']}: does not fit ImageClassifier: 2 shape "
        'mismatches (head.fc.weight (12, 128) vs model (10, 128), '
        'head.fc.bias (12,) vs model (10,)). Is it the checkpoint of this '
        'config? --allow-partial loads what fits')
    msg = refusal(tool_main('test'), BLACKBOX, files['bimem'], *args)
    assert 'missing keys (backbone.' in msg
    assert 'unexpected keys (student.' in msg
    partial = run_tool('test.py', BLACKBOX, files['head12'], *args,
                       '--allow-partial')
    assert f"WARNING: {files['head12']}: does not fit" in partial.stderr
    assert 'accuracy/top1' in partial.stdout


def test_init_memory_refuses_a_plain_classifier(files, capsys):
    """Before: memories computed by a random student."""
    out = files['tmp'] / 'partial_memory.pth'
    args = [BIMEM, files['bb'], '--out', out, '--cfg-options',
            *tiny_options(files['npz'])]
    msg = refusal(tool_main('init_memory'), *args)
    assert msg.startswith(f"error: {files['bb']}: does not fit "
                          'BiMemClassifier: ')
    assert 'missing keys (student.backbone.' in msg and not out.exists()
    capsys.readouterr()
    tool_main('init_memory').main([str(a) for a in args] + ['--allow-partial'])
    assert f"WARNING: {files['bb']}: does not fit" in capsys.readouterr().err
    assert out.exists()


def test_resume_from_an_init_memory_output_says_what_it_is(files):
    """Case 9. Before: a bare ``KeyError: 'message_hub'``."""
    out = files['tmp'] / 'memory_init.pth'
    opts = tiny_options(files['npz'], files['store'])
    run_tool('init_memory.py', BIMEM, files['bimem'], '--out', out,
             '--cfg-options', *opts)
    msg = refusal(tool_main('train'), BIMEM, '--work-dir',
                  files['tmp'] / 'resume', '--resume', out, '--cfg-options',
                  *opts)
    assert msg == (
        f'error: {out}: not a training checkpoint (a tools/init_memory.py '
        'output, no optimizer/message_hub); --resume continues an '
        'interrupted run. To start training from its weights use '
        f'--cfg-options load_from={out}')


def test_predict_blackbox_checkpoint_and_second_run(files):
    """Case 1 for --checkpoint, and case 2: before, a second run on the
    same --out replaced the store (or, concurrently, deleted its shards)."""
    target = _target(files['npz'])
    tool = tool_main('predict_blackbox')
    msg = refusal(tool, BIMEM, '--out', files['tmp'] / 'never', '--model',
                  BLACKBOX, '--checkpoint', files['bimem'], '--cfg-options',
                  *target)
    assert msg.startswith(f"error: {files['bimem']}: does not fit "
                          'ImageClassifier')
    partial = files['tmp'] / 'partial_store'
    tool.main([str(a) for a in (BIMEM, '--out', partial, '--model', BLACKBOX,
                                '--checkpoint', files['bimem'],
                                '--allow-partial', '--cfg-options', *target)])
    assert (partial / 'manifest.json').exists()
    out = files['tmp'] / 'bb_store'
    args = [BIMEM, '--out', out, '--callable', 'tool_helpers:predict',
            '--cfg-options', *target]
    run_tool('predict_blackbox.py', *args)
    first = (out / 'manifest.json').read_text()
    assert refusal(tool, *args) == (
        f'error: {out}/manifest.json: a complete store exists already; '
        'remove it or pass --overwrite')
    assert (out / 'manifest.json').read_text() == first
    (out / '.lock').write_text('1 elsewhere\n')      # a running writer
    assert refusal(tool, *args, '--overwrite').startswith(
        f'error: {out}/.lock: another writer (process 1 on elsewhere)')
    (out / '.lock').unlink()
    run_tool('predict_blackbox.py', *args, '--overwrite')
    assert sorted(p.name for p in out.iterdir()) == [
        'manifest.json', 'shard-00000.npz']
