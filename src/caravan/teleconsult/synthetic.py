"""Realistic synthetic ECGs for the demo and the benchmark: a sum-of-Gaussians PQRST model (after
McSharry et al. 2003, without the dynamical system) projected onto the twelve leads. Plain numpy."""

import numpy as np

from .ecg import EcgRecord
from .ecg.record import TWELVE_LEADS

# Each wave: (position in the beat as a fraction of RR at 60/min, in seconds; width s; amplitude mV on lead II).
WAVES = {"P": (-0.20, 0.025, 0.15), "Q": (-0.035, 0.010, -0.10), "R": (0.0, 0.010, 1.20), "S": (0.035, 0.010, -0.25),
         "T": (0.28, 0.045, 0.35)}
# How strongly each wave shows in each lead, relative to lead II (a rough cardiac vector projection).
LEAD_GAIN = {
    "I": (0.6, 0.5, 0.6, 0.4, 0.7), "II": (1, 1, 1, 1, 1), "III": (0.4, 0.5, 0.4, 0.6, 0.3),
    "aVR": (-0.8, -0.7, -0.8, -0.7, -0.8), "aVL": (0.1, 0.0, 0.1, -0.1, 0.2), "aVF": (0.7, 0.7, 0.7, 0.8, 0.6),
    "V1": (0.4, 0.0, 0.3, 2.2, -0.2), "V2": (0.5, 0.2, 0.6, 2.4, 0.8), "V3": (0.5, 0.4, 0.9, 1.6, 1.0),
    "V4": (0.5, 0.5, 1.3, 0.9, 1.0), "V5": (0.5, 0.5, 1.2, 0.5, 0.8), "V6": (0.5, 0.4, 1.0, 0.3, 0.6),
}


def synthetic_ecg(*, seconds: float = 10.0, rate: float = 500.0, heart_rate: float = 72.0, leads=None,
                  seed: int = 0, noise_mv: float = 0.02, st_elevation_mv: float = 0.0) -> EcgRecord:
    """A twelve-lead (or chosen leads) ECG with slight RR variability, baseline wander and noise."""
    rng = np.random.default_rng(seed)
    leads = list(leads or TWELVE_LEADS)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    rr = 60.0 / heart_rate
    beats = []
    at = 0.3
    while at < seconds + 1:
        beats.append(at)
        at += rr * (1 + 0.03 * rng.standard_normal())
    signals = np.zeros((len(leads), n))
    scale = np.sqrt(rr)  # waves after the R peak stretch with the cycle (Bazett-like)
    for i, name in enumerate(leads):
        gains = LEAD_GAIN.get(name, LEAD_GAIN["II"])
        for (position, width, amplitude), gain in zip(WAVES.values(), gains, strict=True):
            shift = position * (scale if position > 0 else 1.0)
            for beat in beats:
                signals[i] += gain * amplitude * np.exp(-((t - beat - shift) ** 2) / (2 * width**2))
        if st_elevation_mv and name in ("V1", "V2", "V3", "V4"):
            for beat in beats:
                signals[i] += st_elevation_mv * np.exp(-((t - beat - 0.12) ** 2) / (2 * 0.05**2))
        signals[i] += 0.05 * np.sin(2 * np.pi * 0.25 * t + i) + noise_mv * rng.standard_normal(n)
    return EcgRecord(format="synthetic", sampling_rate=rate, leads=leads, signals=signals.astype(np.float32))


def as_wfdb_files(record: EcgRecord, name: str) -> dict[str, bytes]:
    """The record written by wfdb.wrsamp (format 16, 1000 units/mV) as the files a cart would upload."""
    import os
    import tempfile

    import wfdb

    with tempfile.TemporaryDirectory(prefix="caravan-synth-") as folder:
        wfdb.wrsamp(name, fs=record.sampling_rate, units=["mV"] * record.lead_count, sig_name=record.leads,
                    p_signal=record.signals.T.astype(np.float64), fmt=["16"] * record.lead_count,
                    adc_gain=[1000.0] * record.lead_count, baseline=[0] * record.lead_count, write_dir=folder)
        return {f: open(os.path.join(folder, f), "rb").read() for f in os.listdir(folder)}  # noqa: PTH123, SIM115
