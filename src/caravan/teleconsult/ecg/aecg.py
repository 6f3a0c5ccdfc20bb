"""HL7 v3 annotated ECG (aECG) XML, parsed with defusedxml so no entity or DTD is ever expanded."""

import numpy as np
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from .errors import EcgRefused
from .record import EcgRecord, lead_name

NS = "{urn:hl7-org:v3}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_TO_MV = {"mv": 1.0, "uv": 0.001, "v": 1000.0}
_TO_S = {"s": 1.0, "ms": 0.001}


def read_aecg(data: bytes) -> EcgRecord:
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException:
        raise EcgRefused("xml_entities", "The XML declares entities or a DTD, which are refused.") from None
    except SafeET.ParseError as exc:
        raise EcgRefused("broken_xml", f"Broken XML: the document is not well-formed ({exc}).", detail=str(exc)) from None
    if root.tag != f"{NS}AnnotatedECG":
        raise EcgRefused("not_aecg", "The XML is not an HL7 annotated ECG (AnnotatedECG root element).")
    for series in root.iter(f"{NS}series"):
        code = series.find(f"{NS}code")
        if code is None or code.get("code") != "RHYTHM":
            continue
        sequence_set = series.find(f"{NS}component/{NS}sequenceSet")
        if sequence_set is not None:
            return _read_sequence_set(sequence_set)
    raise EcgRefused("no_rhythm", "The aECG document holds no rhythm waveform series.")


def _read_sequence_set(sequence_set) -> EcgRecord:
    interval = None
    leads, rows = [], []
    for sequence in sequence_set.iter(f"{NS}sequence"):
        code = (sequence.find(f"{NS}code").get("code") or "") if sequence.find(f"{NS}code") is not None else ""
        value = sequence.find(f"{NS}value")
        if value is None:
            continue
        if code.startswith("TIME_"):
            increment = value.find(f"{NS}increment")
            if increment is not None:
                interval = float(increment.get("value")) * _TO_S.get((increment.get("unit") or "s").lower(), 1.0)
            continue
        digits = value.find(f"{NS}digits")
        if digits is None or not (digits.text or "").strip():
            continue
        origin = value.find(f"{NS}origin")
        scale = value.find(f"{NS}scale")
        try:
            numbers = np.array(digits.text.split(), dtype=np.float64)
            o = float(origin.get("value")) if origin is not None else 0.0
            s = float(scale.get("value")) if scale is not None else 1.0
        except (TypeError, ValueError):
            raise EcgRefused("bad_digits", f"Lead {code}: the samples are not numbers.", lead=code) from None
        unit = ((scale.get("unit") if scale is not None else None) or "uV").lower()
        leads.append(lead_name(code))
        rows.append((o + s * numbers) * _TO_MV.get(unit, 0.001))
    if not rows:
        raise EcgRefused("no_rhythm", "The aECG document holds no rhythm waveform series.")
    if not interval or interval <= 0:
        raise EcgRefused("no_time_increment", "The aECG rhythm series gives no time increment.")
    length = min(len(r) for r in rows)
    signals = np.vstack([r[:length] for r in rows]).astype(np.float32)
    return EcgRecord(format="aecg", sampling_rate=round(1.0 / interval, 6), leads=leads, signals=signals)
