"""R peaks and heart rate, by a small Pan–Tompkins-like detector in numpy.

Steps (Pan & Tompkins 1985, simplified): band-pass 5–15 Hz (done in the
frequency domain), differentiate, square, integrate over a 150 ms window;
a peak of the integrated signal above an adaptive threshold (a fraction of
the running level of recent peaks) that comes at least 250 ms after the
previous one is a QRS; the R peak is the largest deflection of the band-passed
signal within 100 ms before it.
"""

import numpy as np

REFRACTORY_S = 0.25
WINDOW_S = 0.15


def _band_pass(signal: np.ndarray, fs: float, low: float = 5.0, high: float = 15.0) -> np.ndarray:
    spectrum = np.fft.rfft(signal - np.mean(signal))
    freqs = np.fft.rfftfreq(signal.size, d=1.0 / fs)
    spectrum[(freqs < low) | (freqs > high)] = 0
    return np.fft.irfft(spectrum, n=signal.size)


def r_peaks(signal: np.ndarray, fs: float) -> np.ndarray:
    """Sample indices of the R peaks of one lead."""
    x = np.asarray(signal, dtype=np.float64)
    if x.size < int(fs):
        return np.array([], dtype=np.int64)
    filtered = _band_pass(x, fs)
    energy = np.diff(filtered, prepend=filtered[0]) ** 2
    width = max(1, int(WINDOW_S * fs))
    integrated = np.convolve(energy, np.ones(width) / width, mode="same")
    # Local maxima of the integrated signal.
    candidates = np.flatnonzero((integrated[1:-1] > integrated[:-2]) & (integrated[1:-1] >= integrated[2:])) + 1
    if candidates.size == 0:
        return np.array([], dtype=np.int64)
    refractory = int(REFRACTORY_S * fs)
    level = float(np.percentile(integrated[candidates], 90))  # running estimate of a QRS peak's height
    noise = float(np.median(integrated))
    peaks: list[int] = []
    for i in candidates:
        height = integrated[i]
        threshold = noise + 0.25 * (level - noise)
        if height < threshold:
            noise = 0.875 * noise + 0.125 * height
            continue
        if peaks and i - peaks[-1] < refractory:
            if height > integrated[peaks[-1]]:
                peaks[-1] = int(i)
            continue
        peaks.append(int(i))
        level = 0.875 * level + 0.125 * height
    search = int(0.1 * fs)
    out = []
    for p in peaks:
        start = max(0, p - search - width // 2)
        segment = np.abs(filtered[start : p + 1])
        out.append(start + int(np.argmax(segment)) if segment.size else p)
    return np.unique(np.array(out, dtype=np.int64))


def heart_rate(peaks: np.ndarray, fs: float) -> float | None:
    """Beats per minute from the median R–R interval; None with fewer than two beats."""
    if len(peaks) < 2:
        return None
    return float(60.0 * fs / np.median(np.diff(peaks)))


def rhythm_lead(leads: list[str]) -> int:
    """The lead the rate is read from: II, else MLII, else one labelled ECG, else the first."""
    for name in ("II", "MLII"):
        if name in leads:
            return leads.index(name)
    return next((i for i, name in enumerate(leads) if "ECG" in name.upper()), 0)
