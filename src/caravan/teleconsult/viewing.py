"""What the pages show of a case's clock and of an ECG window."""

import numpy as np
from django.utils.translation import gettext as _

from .ecg import EcgRecord, r_peaks
from .ecg.rpeaks import heart_rate, rhythm_lead


def time_left(case, now) -> dict:
    """Minutes left on the clock (negative when overdue) and the words for it."""
    if not case.is_open:
        return {"minutes": None, "label": "", "overdue": False}
    minutes = int((case.due_at - now).total_seconds() // 60)
    span = abs(minutes)
    text = _("%(h)d h %(m)02d min") % {"h": span // 60, "m": span % 60} if span >= 60 else _("%(m)d min") % {"m": span}
    label = _("%(time)s overdue") % {"time": text} if minutes < 0 else _("%(time)s left") % {"time": text}
    return {"minutes": minutes, "label": label, "overdue": minutes < 0}


def ecg_window(record: EcgRecord, *, start: float, seconds: float) -> dict:
    """The samples from `start` for `seconds`, in µV-rounded mV, with the R peaks and rate of that window."""
    fs = record.sampling_rate
    first = min(int(start * fs), max(record.sample_count - 1, 0))
    last = min(record.sample_count, first + int(seconds * fs))
    window = record.signals[:, first:last]
    lead = rhythm_lead(record.leads)
    peaks = r_peaks(window[lead], fs) if window.shape[1] else np.array([], dtype=np.int64)
    rate = heart_rate(peaks, fs)
    return {
        "leads": record.leads, "sampling_rate": fs, "start": first / fs, "total_seconds": record.duration_s,
        "signals": [np.round(row - np.median(row), 3).tolist() if row.size else [] for row in window],
        "r_peaks": [int(p) for p in peaks], "heart_rate": round(rate, 1) if rate else None,
        "rhythm_lead": record.leads[lead],
    }
