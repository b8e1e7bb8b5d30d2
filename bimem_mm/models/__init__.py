"""Registered models shared by every task (no mm task library imported)."""
from .backbones import SmallConvNet
from .bimem_method import BiMemMethod
from .dine import DINEMethod, DINETargetMixin
from .losses import BiMemLoss
from .recorder import LayerRecorder
from .refiner import BiMemRefiner
from .teacher_student import BiMemTeacherStudent, TeacherStudentAdapter, Units

__all__ = ['SmallConvNet', 'BiMemLoss', 'BiMemRefiner', 'BiMemTeacherStudent',
           'TeacherStudentAdapter', 'Units', 'BiMemMethod', 'DINEMethod',
           'DINETargetMixin', 'LayerRecorder']
