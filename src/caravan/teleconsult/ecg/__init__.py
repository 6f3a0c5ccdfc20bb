"""The ECG pipeline: detect a file's format from its bytes, read it with the format's own library,
normalise it to millivolts per named lead, and find its R peaks. Plain Python and numpy, no Django."""

from .errors import EcgRefused
from .reader import read_ecg
from .record import EcgRecord
from .rpeaks import heart_rate, r_peaks

__all__ = ["EcgRecord", "EcgRefused", "heart_rate", "r_peaks", "read_ecg"]
