"""A stand-in for a remote detection API (tests use it via --callable)."""
import numpy as np


def predict(images):
    """uint8 HWC images -> per image two boxes, scores and distributions."""
    out = []
    for img in images:
        h, w = img.shape[:2]
        boxes = np.array([[1, 1, w / 2, h / 2], [w / 3, h / 3, w + 3, h]],
                         np.float32)   # the second sticks out: clipped
        probs = np.full((2, 10), 0.05, np.float32)
        probs[:, int(img.mean()) % 10] = 0.55
        out.append(dict(bboxes=boxes, scores=np.array([0.9, 0.3]),
                        probs=probs))
    return out


def predict_hard(images):
    """A hard-label API: labels and scores only."""
    return [dict(bboxes=p['bboxes'], scores=p['scores'],
                 labels=p['probs'].argmax(1), num_classes=10)
            for p in predict(images)]
