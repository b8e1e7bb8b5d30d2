"""bimem_mm.det.map_spread: mAP@0.5 per chunk of test scenes, paired."""
import pickle

import pytest
import torch
from det_helpers import (
    BLACKBOX,
    N_SCENES,
    PER_SCENE,
    make_npz,
    run_tool,
    tiny_options,
)

from bimem_mm.det.map_spread import chunk_maps, main, read_predictions


def _scene(label, pred_label, score=0.9):
    box = torch.tensor([[4., 4., 20., 20.]])
    return dict(gt_instances=dict(labels=torch.tensor([label]), bboxes=box),
                ignored_instances=dict(labels=torch.zeros(0, dtype=torch.long),
                                       bboxes=torch.zeros(0, 4)),
                pred_instances=dict(labels=torch.tensor([pred_label]),
                                    bboxes=box.clone(),
                                    scores=torch.tensor([score])))


def _dump(path, samples):
    with open(path, 'wb') as f:
        pickle.dump(samples, f)
    return str(path)


def test_chunks_and_paired_difference(tmp_path, capsys):
    # 4 scenes of digit 1; model b misclassifies the two scenes of chunk 2
    a = _dump(tmp_path / 'a.pkl', [_scene(1, 1) for _ in range(4)])
    b = _dump(tmp_path / 'b.pkl', [_scene(1, 1), _scene(1, 1),
                                   _scene(1, 3), _scene(1, 3)])
    gts, dets = read_predictions(b, 10)
    assert len(gts) == 4 and dets[2][3].shape == (1, 5)
    assert chunk_maps(gts, dets, 2) == pytest.approx([100.0, 0.0])
    assert chunk_maps(gts, dets, 4) == pytest.approx([50.0])
    main([a, b, '--chunk', '2'])
    out = capsys.readouterr().out
    assert 'a.pkl: 4 scenes mAP50 100.00; 2 chunks of 2: 100.00 ± 0.00' in out
    assert 'b.pkl - ' in out and 'whole -50.00; per chunk -50.00 ± 70.71' \
        in out


def test_bad_inputs_name_the_file(tmp_path):
    bad = tmp_path / 'bad.pkl'
    bad.write_text('not a pickle')
    with pytest.raises(SystemExit, match='bad.pkl: not a tools/test.py'):
        main([str(bad)])
    few = _dump(tmp_path / 'few.pkl', [_scene(1, 1) for _ in range(3)])
    with pytest.raises(SystemExit, match='few.pkl: 3 scenes, fewer than two'):
        main([few, '--chunk', '2'])
    a = _dump(tmp_path / 'a.pkl', [_scene(1, 1) for _ in range(4)])
    b = _dump(tmp_path / 'b.pkl', [_scene(1, 1) for _ in range(6)])
    with pytest.raises(SystemExit, match='b.pkl: 6 scenes, but .*a.pkl has 4'):
        main([a, b, '--chunk', '2'])


@pytest.mark.slow
def test_reads_what_tools_test_dumps(tmp_path, capsys):
    """tools/test.py --out (an untrained scene detector, saved here) on the
    tiny test scenes, then map_spread over chunks of them."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from bimem_mm.registry import MODELS
    npz = make_npz(tmp_path / 'digits.npz')
    init_default_scope('mmdet')
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(BLACKBOX).model)
    ckpt = str(tmp_path / 'untrained.pth')
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    opts = [o for o in tiny_options(npz, None, 1)   # the black box has no
            if not o.startswith('memory_init')]     # memory init loader
    pkl = str(tmp_path / 'preds.pkl')
    run_tool('test.py', BLACKBOX, ckpt, '--work-dir', tmp_path / 'work',
             '--out', pkl, '--cfg-options', *opts)
    gts, dets = read_predictions(pkl, 10)
    assert len(gts) == N_SCENES and all(len(d) == 10 for d in dets)
    assert sum(len(g['labels']) for g in gts) == N_SCENES * PER_SCENE
    main([pkl, pkl, '--chunk', str(N_SCENES // 3)])
    out = capsys.readouterr().out
    assert f'{N_SCENES} scenes mAP50' in out and '3 chunks of 4' in out
    assert 'per chunk 0.00 ± 0.00' in out     # a model against itself
