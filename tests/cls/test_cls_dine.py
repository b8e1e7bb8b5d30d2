"""The DINE-style baseline trains and resumes with its soft labels."""
import pytest
import torch
from conftest import BATCH, N_TRAIN, run_tool, tiny_options

DINE = 'configs/cls/digits/dine_digits.py'
pytestmark = pytest.mark.slow


def test_dine_trains_and_resumes_with_its_soft_labels(tmp_path, tiny_data):
    npz, store = tiny_data
    work = tmp_path / 'dine'
    opts = tiny_options(npz, store, 2)
    out = run_tool('train.py', DINE, '--work-dir', work, '--cfg-options',
                   *opts)
    assert 'long-term memory initialised' not in out.stdout + out.stderr
    first = torch.load(work / 'iter_2.pth', weights_only=True)['state_dict']
    assert first['soft_labels.labels'].shape == (N_TRAIN, 10)
    seen = int(first['soft_labels.seen'].sum())
    assert 0 < seen <= 2 * BATCH
    more = [o.replace('max_iters=2', 'max_iters=4') for o in opts]
    run_tool('train.py', DINE, '--work-dir', work, '--resume',
             '--cfg-options', *more)
    final = torch.load(work / 'iter_4.pth', weights_only=True)['state_dict']
    assert int(final['soft_labels.seen'].sum()) >= seen
    kept = first['soft_labels.seen'] & final['soft_labels.seen']
    assert torch.equal(kept, first['soft_labels.seen'])   # nothing forgotten
    # its soft-label table is training state: tools/test.py (strict
    # checkpoint loading) evaluates the DINE checkpoint all the same
    out = run_tool('test.py', DINE, work / 'iter_4.pth', '--cfg-options',
                   *more)
    assert 'accuracy/top1' in out.stdout + out.stderr
