"""Datasets, data helpers and transforms of bimem_mm."""
from .digits import DigitsNpzDataset
from .digits_data import load_digits_npz, make_embedded_digits, prepare_digits
from .transforms import LoadBlackBoxPrediction, sample_key

__all__ = [
    'DigitsNpzDataset', 'load_digits_npz', 'prepare_digits',
    'make_embedded_digits', 'LoadBlackBoxPrediction', 'sample_key'
]
