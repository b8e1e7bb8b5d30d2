"""Wrapper options of the teacher-student base, on the classifier:
``predict_on``, ``teacher_train_mode`` and ``warmup_threshold``."""
import pytest
import torch
from test_cls_plus_options import BATCH, batch, build


def test_predict_on_picks_the_evaluated_model():
    inputs, samples = batch()
    model = build(predict_on='teacher')
    model.eval()
    with torch.no_grad():
        model.teacher.head.fc.bias.add_(5.0)   # teacher != student
        teacher = model.teacher(inputs, mode='tensor')
        student = model.student(inputs, mode='tensor')
        out = model(inputs, samples, mode='tensor')
        pred = model(inputs, [s.clone() for s in samples], mode='predict')
    assert torch.equal(out, teacher) and not torch.equal(out, student)
    assert torch.allclose(torch.stack([p.pred_score for p in pred]),
                          torch.softmax(teacher, 1))
    default = build()
    default.eval()
    with torch.no_grad():
        assert torch.equal(default(inputs, samples, mode='tensor'),
                           default.student(inputs, mode='tensor'))
    with pytest.raises(ValueError, match='predict_on'):
        build(predict_on='ema')


def test_teacher_train_mode():
    official, frozen = build(), build(teacher_train_mode=False)
    official.train()
    frozen.train()
    assert official.teacher.training and official.student.training
    assert not frozen.teacher.training and frozen.student.training
    assert not any(m.training for m in frozen.teacher.modules())
    frozen.eval()
    assert not frozen.student.training


def test_warmup_threshold_ignores_unsure_images():
    inputs, samples = batch()
    top = torch.stack([s.bb_probs for s in samples]).max(1).values
    thr = float(top.median()) + 1e-6
    sure = top >= thr
    assert 0 < int(sure.sum()) < BATCH
    every, some = build(), build(warmup_threshold=thr)
    every.stage = some.stage = 'warmup'
    logits = every.student(inputs, mode='tensor')
    labels = torch.stack([s.bb_probs for s in samples]).argmax(1)
    want = torch.nn.functional.cross_entropy(logits[sure], labels[sure])
    got = some.loss(inputs, samples)['loss_ce']
    assert torch.allclose(got, want, atol=1e-6)
    assert not torch.allclose(every.loss(inputs, samples)['loss_ce'], want)
