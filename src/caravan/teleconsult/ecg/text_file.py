"""ECG as delimited text: CSV, TSV or one column, with or without a header row or '# key: value' lines."""

import re

import numpy as np

from .errors import EcgRefused
from .record import EcgRecord, lead_name

_TO_MV = {"v": 1000.0, "volts": 1000.0, "volt": 1000.0, "mv": 1.0, "uv": 0.001, "µv": 0.001}
_TIME_COLUMNS = {"time", "t", "seconds", "sec", "s", "time_s", "ms", "time_ms", "timestamp"}
_KEY_VALUE = re.compile(r"^#\s*(?P<key>[^:=]+?)\s*:?=\s*(?P<value>.*)$|^#\s*(?P<key2>[^:]+?)\s*:\s*(?P<value2>.*)$")


def _header_values(comments: list[str]) -> dict[str, str]:
    out = {}
    for line in comments:
        m = _KEY_VALUE.match(line.strip())
        if m:
            key = (m.group("key") or m.group("key2") or "").strip().lower()
            out[key] = (m.group("value") if m.group("key") else m.group("value2") or "").strip()
    return out


def _delimiter(line: str) -> str | None:
    for candidate in ("\t", ";", ","):
        if candidate in line:
            return candidate
    return None  # whitespace or a single column


def _split(line: str, delimiter: str | None) -> list[str]:
    return [t.strip() for t in (line.split(delimiter) if delimiter else line.split())]


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def read_text(data: bytes, *, sampling_rate: float | None = None) -> EcgRecord:
    """Numbers per row, one column per lead; the rate comes from the caller, the header or a time column."""
    lines = data.decode("utf-8-sig").splitlines()
    comments = [ln for ln in lines if ln.lstrip().startswith("#")]
    rows = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    if not rows:
        raise EcgRefused("no_text_samples", "The text file holds no samples.")
    header = _header_values(comments)
    delimiter = _delimiter(rows[0])
    first = _split(rows[0], delimiter)
    names: list[str] = []
    if not all(_is_number(t) for t in first):
        names, rows = first, rows[1:]
    labels = header.get("labels")
    if not names and labels:
        names = _split(labels, _delimiter(labels))
    widths = {len(_split(r, delimiter)) for r in rows}
    if len(widths) > 1:
        raise EcgRefused("ragged_rows", "The rows of the text file do not all have the same number of values.")
    try:
        table = np.array([[float(t) for t in _split(r, delimiter)] for r in rows], dtype=np.float64)
    except ValueError:
        bad = next(i for i, r in enumerate(rows) if not all(_is_number(t) for t in _split(r, delimiter)))
        raise EcgRefused("not_numbers", f"Row {bad + 1} of the samples is not a list of numbers.", row=bad + 1) from None
    if table.ndim != 2 or table.shape[0] < 2:
        raise EcgRefused("ragged_rows", "The rows of the text file do not all have the same number of values.")
    if names and len(names) != table.shape[1]:
        raise EcgRefused("header_mismatch",
                         f"The header names {len(names)} columns but the rows hold {table.shape[1]} values.",
                         columns=len(names), values=int(table.shape[1]))
    names = names or [f"Lead {i + 1}" for i in range(table.shape[1])]

    rate = sampling_rate
    for key, value in header.items():
        if rate is None and ("sampling" in key or "frequency" in key or key in {"fs", "rate"}):
            match = re.search(r"[\d.]+", value)
            rate = float(match.group()) if match else None
    time_index = next((i for i, n in enumerate(names) if n.strip().lower() in _TIME_COLUMNS), None)
    if time_index is not None:
        step = float(np.median(np.diff(table[:, time_index])))
        if "ms" in names[time_index].lower():
            step /= 1000.0
        if rate is None and step > 0:
            rate = 1.0 / step
        table = np.delete(table, time_index, axis=1)
        names = names[:time_index] + names[time_index + 1 :]
    if not rate or rate <= 0:
        raise EcgRefused("no_sampling_rate",
                         "The sampling rate is not in the file: give it (in Hz) with the upload.")
    if not names:
        raise EcgRefused("only_time_column", "The text file holds only a time column.")

    units = header.get("units", "").strip().lower()
    resolution = header.get("resolution")
    if units in _TO_MV:
        signals = table.T * _TO_MV[units]
    elif resolution and resolution.isdigit():
        # OpenSignals raw ADC values: the PLUX ECG sensor's transfer function (VCC 3.3 V, gain 1100).
        signals = (table.T / 2 ** int(resolution) - 0.5) * 3.3 / 1100 * 1000
    else:
        signals = table.T  # no unit said: the values are taken as millivolts
    return EcgRecord(format="text", sampling_rate=round(float(rate), 6), leads=[lead_name(n) for n in names],
                     signals=signals.astype(np.float32), meta={"header": header})
