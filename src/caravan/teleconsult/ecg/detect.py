"""Which format a file is, decided from its bytes (never its name)."""

import re

from .errors import EcgRefused

WFDB_FORMATS = {"8", "16", "24", "32", "61", "80", "160", "212", "310", "311", "508", "516", "524"}
_RECORD_LINE = re.compile(r"^[A-Za-z0-9_\-.]+(/\d+)?\s+\d+(\s|$)")

DICOM = "dicom"
WFDB = "wfdb"
AECG = "aecg"
TEXT = "text"


def refuse_executable(data: bytes) -> None:
    """A file that starts like a Windows or Linux program is never stored, whatever follows."""
    if data[:2] == b"MZ" or data[:4] == b"\x7fELF":
        raise EcgRefused("executable", "The file starts like an executable program (MZ or ELF), not a medical file.")


def _text_lines(data: bytes) -> list[str] | None:
    if b"\x00" in data[:4096]:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return text.splitlines()


def is_wfdb_header(data: bytes) -> bool:
    """A record line (name, signal count…) followed by that many signal lines naming a file and a format."""
    if len(data) > 1_000_000:
        return False
    lines = _text_lines(data)
    if lines is None:
        return False
    body = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    if not body or not _RECORD_LINE.match(body[0].strip()):
        return False
    tokens = body[0].split()
    if "/" in tokens[0]:
        return True  # a multi-segment record: a WFDB header, refused later with its own message
    nsig = int(tokens[1])
    if nsig == 0 or len(body) < nsig + 1:
        return False
    for line in body[1 : nsig + 1]:
        parts = line.split()
        if len(parts) < 2 or re.split(r"[x:+]", parts[1])[0] not in WFDB_FORMATS:
            return False
    return True


def detect(data: bytes) -> str:
    """One of DICOM, WFDB, AECG, TEXT; anything else is refused with the reason."""
    if not data:
        raise EcgRefused("empty_file", "The file is empty.")
    refuse_executable(data)
    if len(data) >= 132 and data[128:132] == b"DICM":
        return DICOM
    if len(data) >= 134 and data[132:134] == b"\x02\x00":
        # DICOM file-meta elements follow where the marker should be: a damaged DICOM file.
        raise EcgRefused("not_dicom", "Not a DICOM file: the 'DICM' marker at byte 128 is missing.")
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return AECG
    if head.startswith((b"{", b"[")):
        raise EcgRefused("unsupported_json", "JSON (such as a FHIR Observation) is not a supported ECG format.")
    if is_wfdb_header(data):
        return WFDB
    if _text_lines(data) is not None:
        return TEXT
    raise EcgRefused("unknown_format",
                     "The file is not a DICOM file, a WFDB header, an HL7 aECG document or delimited text.")
