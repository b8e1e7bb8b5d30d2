"""Adaptation around an mmpretrain ``ImageClassifier``: a unit is an image.

:class:`ClassifierAdapter` lays out the units; the registered
:class:`BiMemClassifier` composes it with the BiMem method
(``bimem_mm.DINEClassifier``, :mod:`bimem_mm.cls.dine`, with DINE's)."""
import torch

from ..core.dine import mixup_consistency
from ..models.bimem_method import BiMemMethod
from ..models.teacher_student import TeacherStudentAdapter, Units
from ..registry import MODELS


def _stack_field(data_samples, name: str) -> torch.Tensor:
    values = [ds.get(name) for ds in data_samples]
    if any(v is None for v in values):
        raise KeyError(f'data sample has no {name!r}: add '
                       f"LoadBlackBoxPrediction and PackInputs(algorithm_keys="
                       f"('{name}',)) to the training pipeline")
    return torch.stack([torch.as_tensor(v) for v in values])


class ClassifierAdapter(TeacherStudentAdapter):
    """Student + EMA teacher around any mmpretrain ``ImageClassifier``.

    The unit feature is what the layer ``units.features`` records, by
    default the input of the head's classifier ``'head.fc:input'`` (the GAP
    neck's output for ``LinearClsHead``; 2048-d for ResNet-50; a ViT's
    ``VisionTransformerClsHead`` classifies with ``'head.layers.head'``);
    the logits are the model's output. The black-box distribution of each
    image comes from its data sample's ``bb_probs`` (C,). With ``analysis_key`` set
    (e.g. ``'analysis_label'``) and a dataset that provides it, the
    pseudo-label accuracy is logged for analysis; it never enters a loss.

    See :class:`bimem_mm.models.TeacherStudentAdapter` for the arguments.
    """

    default_preprocessor = 'mmpretrain.ClsDataPreprocessor'
    default_units = dict(features='head.fc:input', logits=None)

    def __init__(self, *args, analysis_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.analysis_key = analysis_key

    def num_classes_of(self, model) -> int:
        return model.head.num_classes

    def units(self, model, inputs, data_samples) -> Units:
        z, logits = self.recorded(model, lambda: model(inputs, mode='tensor'))
        groups = torch.arange(len(z), device=z.device)
        return Units(z.flatten(1), logits, groups)

    def black_box(self, data_samples, units: Units) -> torch.Tensor:
        return _stack_field(data_samples, 'bb_probs').to(
            units.logits.device, torch.float32)

    def analysis_labels(self, data_samples, units: Units):
        if self.analysis_key is None or \
                data_samples[0].get(self.analysis_key) is None:
            return None
        return _stack_field(data_samples, self.analysis_key).to(
            units.logits.device).long().flatten()


@MODELS.register_module()
class BiMemClassifier(BiMemMethod, ClassifierAdapter):
    """BiMem (:class:`bimem_mm.models.BiMemMethod`) on a
    :class:`ClassifierAdapter`; mixup mixes images and their predictions."""

    def mixup_loss(self, inputs, units: Units) -> torch.Tensor:
        """The student on a mix of two images should predict the same mix
        of their (detached) predictions."""
        probs = torch.softmax(units.logits.detach().float(), 1)
        return mixup_consistency(
            lambda x: self.student.head(self.student.extract_feat(x)),
            inputs, probs, self.mix_alpha)
