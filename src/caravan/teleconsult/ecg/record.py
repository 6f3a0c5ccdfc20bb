"""One ECG recording, normalised: leads × samples in millivolts at one sampling rate."""

import io
from dataclasses import dataclass, field

import numpy as np

# Canonical spellings, so "MDC_ECG_LEAD_AVR", "Lead aVR (Goldberger)", "avr" and "aVR" are one lead.
_CANONICAL = {
    "I": "I", "II": "II", "III": "III", "AVR": "aVR", "AVL": "aVL", "AVF": "aVF",
    "V1": "V1", "V2": "V2", "V3": "V3", "V4": "V4", "V5": "V5", "V6": "V6",
    "VX": "Vx", "VY": "Vy", "VZ": "Vz", "MLII": "MLII", "ML2": "MLII",
}

TWELVE_LEADS = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]


def lead_name(raw: str) -> str:
    """The usual clinical name of a lead label found in a file."""
    text = raw.strip()
    if text.upper().startswith("MDC_ECG_LEAD_"):
        text = text[len("MDC_ECG_LEAD_"):]
    if "(" in text:
        text = text.split("(", 1)[0].strip()
    if text.lower().startswith("lead ") and text[5:].strip().upper() in _CANONICAL:
        text = text[5:].strip()
    return _CANONICAL.get(text.upper().replace(" ", ""), text)


@dataclass
class EcgRecord:
    """`signals` has shape (leads, samples), float32 millivolts; `meta` holds what the file said about itself."""

    format: str
    sampling_rate: float
    leads: list[str]
    signals: np.ndarray
    meta: dict = field(default_factory=dict)

    @property
    def lead_count(self) -> int:
        return int(self.signals.shape[0])

    @property
    def sample_count(self) -> int:
        return int(self.signals.shape[1])

    @property
    def duration_s(self) -> float:
        return self.sample_count / self.sampling_rate

    def to_npz(self) -> bytes:
        """The array file stored beside the metadata (numpy's own format, no pickles)."""
        buffer = io.BytesIO()
        np.savez_compressed(buffer, signals=self.signals.astype(np.float32), sampling_rate=np.float64(self.sampling_rate),
                            leads=np.array(self.leads, dtype=str))
        return buffer.getvalue()

    @classmethod
    def from_npz(cls, data: bytes, *, format: str = "npz") -> "EcgRecord":
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            return cls(format=format, sampling_rate=float(arrays["sampling_rate"]),
                       leads=[str(x) for x in arrays["leads"]], signals=arrays["signals"])
