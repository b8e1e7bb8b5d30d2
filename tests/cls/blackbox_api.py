"""A stand-in for a remote prediction API (used by tests via --callable)."""
import numpy as np


def predict(images):
    """uint8 HWC images -> (B, 10) probabilities from the mean intensity."""
    means = np.array([img.mean() for img in images]) / 255.0
    logits = -((np.arange(10)[None] / 9.0 - means[:, None]) ** 2) * 50
    e = np.exp(logits - logits.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def predict_wrong_count(images):
    return predict(images)[:-1]
