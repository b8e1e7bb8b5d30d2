from .small_convnet import SmallConvNet

__all__ = ['SmallConvNet']
