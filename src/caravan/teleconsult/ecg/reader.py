"""One entry point: the uploaded files in, an EcgRecord or a refusal out."""

import io

from pydicom import dcmread
from pydicom.errors import InvalidDicomError

from . import detect
from .aecg import read_aecg
from .dicom_waveform import read_dicom_waveform
from .errors import EcgRefused
from .record import EcgRecord
from .text_file import read_text
from .wfdb_file import read_wfdb


def read_ecg(files: dict[str, bytes], *, sampling_rate: float | None = None) -> EcgRecord:
    """Read an ECG from uploaded files (name → bytes).

    A WFDB record is its header plus the signal files the header names; every
    other format is one file. The format is decided from the content.
    """
    if not files:
        raise EcgRefused("no_file", "No file was given.")
    for data in files.values():
        detect.refuse_executable(data)
    headers = [data for data in files.values() if data and detect.is_wfdb_header(data)]
    if headers:
        return read_wfdb(headers[0], files)
    if len(files) > 1:
        raise EcgRefused("too_many_files", "Send one file, or a WFDB header with its data files.")
    (data,) = files.values()
    kind = detect.detect(data)
    if kind == detect.DICOM:
        try:
            ds = dcmread(io.BytesIO(data))
        except (InvalidDicomError, EOFError, ValueError, KeyError, OSError) as exc:
            raise EcgRefused("unreadable_dicom", f"The DICOM file could not be read: {exc}", detail=str(exc)) from None
        return read_dicom_waveform(ds)
    if kind == detect.AECG:
        return read_aecg(data)
    return read_text(data, sampling_rate=sampling_rate)
