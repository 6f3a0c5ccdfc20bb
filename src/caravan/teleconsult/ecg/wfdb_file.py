"""WFDB records (a .hea header and the signal files it names), read with wfdb."""

import math
import os
import tempfile

import numpy as np
import wfdb

from .errors import EcgRefused
from .record import EcgRecord, lead_name

# Bits per sample of each storage format, to tell a truncated signal file before wfdb reads it.
_BITS = {"8": 8, "16": 16, "24": 24, "32": 32, "61": 16, "80": 8, "160": 16, "212": 12, "310": 32 / 3, "311": 32 / 3}
_TO_MV = {"mv": 1.0, "uv": 0.001, "µv": 0.001, "v": 1000.0, "nu": 1.0, "": 1.0}


def _safe_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".") and name != "~"


def read_wfdb(header: bytes, files: dict[str, bytes]) -> EcgRecord:
    """Read the record `header` describes from `files` (name → bytes); the names must be those the header uses."""
    lines = header.decode("utf-8-sig").splitlines()
    body = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    comments = [ln.lstrip()[1:].strip() for ln in lines if ln.lstrip().startswith("#")]
    record_line = body[0].split()
    name = record_line[0]
    if "/" in name:
        raise EcgRefused("multi_segment", "Multi-segment WFDB records are not supported; send a single-segment record.")
    if not _safe_name(name):
        raise EcgRefused("bad_record_name", f"The record name {name!r} is not a plain file name.", name=name)
    nsig = int(record_line[1])
    nsamp = int(record_line[3]) if len(record_line) > 3 and record_line[3].isdigit() else None

    per_file: dict[str, float] = {}
    for line in body[1 : nsig + 1]:
        parts = line.split()
        file_name, fmt = parts[0], parts[1].split("x")[0].split(":")[0].split("+")[0]
        if file_name == "~":
            continue
        if not _safe_name(file_name):
            raise EcgRefused("bad_header", f"The header names the data file {file_name!r}, which is not a plain file name.",
                             file=file_name)
        if file_name not in files:
            raise EcgRefused("missing_data_file",
                             f"Missing data file: the header names {file_name}, which was not uploaded.", file=file_name)
        if fmt not in _BITS:
            raise EcgRefused("unsupported_format", f"WFDB storage format {fmt} is not supported.", format=fmt)
        per_file[file_name] = per_file.get(file_name, 0.0) + _BITS[fmt]
    if nsamp is not None:
        for file_name, bits_per_frame in per_file.items():
            expected = math.floor(nsamp * bits_per_frame / 8)
            if len(files[file_name]) < expected:
                raise EcgRefused(
                    "truncated_data_file",
                    f"Truncated data file: {file_name} holds {len(files[file_name])} bytes, "
                    f"the header needs {expected} for {nsamp} samples.",
                    file=file_name, size=len(files[file_name]), expected=expected, samples=nsamp,
                )

    with tempfile.TemporaryDirectory(prefix="caravan-wfdb-") as folder:
        with open(os.path.join(folder, f"{name}.hea"), "wb") as out:
            out.write(header)
        for file_name in per_file:
            with open(os.path.join(folder, file_name), "wb") as out:
                out.write(files[file_name])
        try:
            record = wfdb.rdrecord(os.path.join(folder, name), physical=True)
        except FileNotFoundError as exc:
            missing = os.path.basename(str(exc.filename))
            raise EcgRefused("missing_data_file",
                             f"Missing data file: the header names {missing}, which was not uploaded.",
                             file=missing) from None
        except Exception as exc:  # noqa: BLE001 — wfdb raises many kinds for a damaged record; all mean the same
            raise EcgRefused("unreadable_wfdb", f"The WFDB record could not be read: {exc}", detail=str(exc)) from None
    if record.p_signal is None or record.p_signal.size == 0:
        raise EcgRefused("no_samples", "The WFDB record holds no samples.")
    scale = np.array([_TO_MV.get((u or "").strip().lower(), 1.0) for u in record.units], dtype=np.float64)
    signals = np.nan_to_num(record.p_signal.T * scale[:, None]).astype(np.float32)
    return EcgRecord(
        format="wfdb", sampling_rate=float(record.fs), leads=[lead_name(s) for s in record.sig_name],
        signals=signals, meta={"record": name, "comments": comments, "units": list(record.units)},
    )
