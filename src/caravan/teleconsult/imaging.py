"""DICOM images: read with pydicom, de-identify by (a subset of) the basic profile, render frames to PNG.

Plain Python, no Django. De-identification blanks names and identifiers,
removes private tags and shifts every date by the case's offset, so intervals
between studies of one case survive while the real dates do not.
"""

import hashlib
import hmac
import io
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from pydicom import dcmread
from pydicom.errors import InvalidDicomError
from pydicom.uid import UID

from .ecg.detect import refuse_executable
from .ecg.errors import EcgRefused


class DicomRefused(EcgRefused):
    pass


# Basic profile attributes that name or identify a person, an institution or a study (PS3.15 Table E.1-1).
IDENTIFYING = [
    "PatientName", "PatientID", "OtherPatientIDs", "OtherPatientNames", "OtherPatientIDsSequence",
    "PatientAddress", "PatientTelephoneNumbers", "PatientMotherBirthName", "MilitaryRank", "EthnicGroup",
    "ReferringPhysicianName", "ReferringPhysicianAddress", "PerformingPhysicianName", "OperatorsName",
    "PhysiciansOfRecord", "NameOfPhysiciansReadingStudy", "RequestingPhysician", "InstitutionName",
    "InstitutionAddress", "InstitutionalDepartmentName", "StationName", "AccessionNumber", "StudyID",
    "DeviceSerialNumber", "MedicalRecordLocator", "PatientComments", "AdditionalPatientHistory",
    "RequestAttributesSequence", "ReferencedPatientSequence", "IssuerOfPatientID",
]
KEY_TAGS = ["Modality", "SOPClassUID", "StudyDate", "SeriesDescription", "BodyPartExamined", "Rows", "Columns",
            "NumberOfFrames", "PhotometricInterpretation", "BitsStored", "PixelSpacing", "SliceThickness",
            "WindowCenter", "WindowWidth", "Manufacturer"]
PRESETS = {"ct": {"soft_tissue": (40, 400), "lung": (-600, 1500), "bone": (300, 1500), "brain": (40, 80)}}


@dataclass
class DicomImage:
    dicom_bytes: bytes
    meta: dict = field(default_factory=dict)


def is_dicom_image(data: bytes) -> bool:
    if len(data) < 132 or data[128:132] != b"DICM":
        return False
    try:
        ds = dcmread(io.BytesIO(data), stop_before_pixels=False, defer_size=64)
    except Exception:  # noqa: BLE001 — anything pydicom cannot parse is left to the ECG reader's refusal
        return False
    return "PixelData" in ds and "WaveformSequence" not in ds


def _shift(value: str, days: int) -> str:
    try:
        day = date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except (ValueError, TypeError):
        return ""
    return (day + timedelta(days=days)).strftime("%Y%m%d") + value[8:]


# UIDs that name this study, series, image or frame of reference (PS3.15 Table E.1-1, action U): replaced.
# Class and transfer-syntax UIDs say what kind of object it is, identify nobody, and are kept.
_REPLACED_UID_ENDINGS = ("InstanceUID", "FrameOfReferenceUID")
_REPLACED_UIDS = {"ConcatenationUID", "DimensionOrganizationUID", "IrradiationEventUID", "StorageMediaFileSetUID"}


def replacement_uid(uid: str, key: bytes) -> str:
    """The same UID under the same key always gives the same new UID (a 2.25 UUID-derived OID, PS3.5 B.2).

    Keyed per case: two images of one study keep one Study Instance UID between them, while the same study
    sent under another case (or read by anyone without the key) cannot be linked back to the original.
    """
    digest = hmac.new(key, str(uid).strip().encode(), hashlib.sha256).digest()
    return f"2.25.{uuid.UUID(bytes=digest[:16], version=5).int}"


def _replace_uids(ds, key: bytes) -> None:
    def replace(dataset, elem):
        keyword = elem.keyword or ""
        if elem.VR == "UI" and elem.value and (keyword.endswith(_REPLACED_UID_ENDINGS) or keyword in _REPLACED_UIDS):
            if elem.VM > 1:
                elem.value = [replacement_uid(v, key) for v in elem.value]
            else:
                elem.value = replacement_uid(elem.value, key)

    ds.walk(replace)
    meta = getattr(ds, "file_meta", None)
    if meta is not None and "MediaStorageSOPInstanceUID" in meta:
        meta.MediaStorageSOPInstanceUID = replacement_uid(meta.MediaStorageSOPInstanceUID, key)


def deidentify(ds, *, date_shift_days: int, uid_key: bytes = b"") -> None:
    if uid_key:
        _replace_uids(ds, uid_key)
    for keyword in IDENTIFYING:
        if keyword in ds:
            delattr(ds, keyword)
    ds.remove_private_tags()

    def shift_dates(dataset, elem):
        if elem.VR in ("DA", "DT") and elem.value:
            if elem.VM > 1:
                elem.value = [_shift(str(v), date_shift_days) for v in elem.value]
            else:
                elem.value = _shift(str(elem.value), date_shift_days)

    ds.walk(shift_dates)
    ds.PatientIdentityRemoved = "YES"
    ds.DeidentificationMethod = f"Caravan basic profile; dates shifted {date_shift_days} days" + (
        "; UIDs replaced" if uid_key else "")


def _plain(value):
    if isinstance(value, UID):
        return f"{value} ({value.name})" if value.name != value else str(value)
    if isinstance(value, list | tuple) or type(value).__name__ == "MultiValue":
        return [_plain(v) for v in value]
    if isinstance(value, int | float | str):
        return value
    return str(value)


def read_image(data: bytes, *, date_shift_days: int, keep_identity: bool = False, uid_key: bytes = b"") -> DicomImage:
    """Read, de-identify and describe a DICOM image; refuse what cannot be a DICOM image."""
    if not data:
        raise DicomRefused("empty_file", "The file is empty.")
    try:
        refuse_executable(data)
    except EcgRefused as exc:
        raise DicomRefused(exc.code, exc.message, **exc.params) from None
    try:
        ds = dcmread(io.BytesIO(data))
    except (InvalidDicomError, EOFError, ValueError, KeyError, OSError) as exc:
        raise DicomRefused("unreadable_dicom", f"The DICOM file could not be read: {exc}", detail=str(exc)) from None
    if "PixelData" not in ds:
        raise DicomRefused("no_pixels", "The DICOM file holds no image.")
    syntax = ds.file_meta.TransferSyntaxUID
    decode_error = ""
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    try:
        pixels = ds.pixel_array
        low, high = float(np.min(pixels)), float(np.max(pixels))
    except Exception as exc:  # noqa: BLE001 — pydicom's decoders fail in many ways; the reason is kept for the user
        decode_error = f"Transfer syntax {syntax.name} ({syntax}) cannot be decoded here: {exc}"
        low = high = 0.0
    if not keep_identity:
        deidentify(ds, date_shift_days=date_shift_days, uid_key=uid_key)
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    slope = float(getattr(ds, "RescaleSlope", 1) or 1)
    intercept = float(getattr(ds, "RescaleIntercept", 0) or 0)
    modality = str(getattr(ds, "Modality", ""))
    meta = {
        "rows": int(ds.Rows), "columns": int(ds.Columns), "frames": frames, "modality": modality,
        "transfer_syntax": f"{syntax.name} ({syntax})", "decoded": not decode_error, "decode_error": decode_error,
        "photometric": str(getattr(ds, "PhotometricInterpretation", "")),
        "range": [low * slope + intercept, high * slope + intercept],
        "tags": {k: _plain(getattr(ds, k)) for k in KEY_TAGS if k in ds},
        "presets": _presets(ds, modality, low * slope + intercept, high * slope + intercept),
        "deidentified": not keep_identity,
    }
    return DicomImage(dicom_bytes=out.getvalue(), meta=meta)


def _presets(ds, modality: str, low: float, high: float) -> dict:
    presets = {"full_range": [round((low + high) / 2, 1), round(max(high - low, 1.0), 1)]}
    if "WindowCenter" in ds and "WindowWidth" in ds:
        center, width = ds.WindowCenter, ds.WindowWidth
        center = center[0] if type(center).__name__ == "MultiValue" else center
        width = width[0] if type(width).__name__ == "MultiValue" else width
        presets["from_file"] = [float(center), float(width)]
    for name, (c, w) in PRESETS.get(modality.lower(), {}).items():
        presets[name] = [c, w]
    return presets


def render_png(dicom_bytes: bytes, *, frame: int = 0, center: float | None = None, width: float | None = None) -> bytes:
    """One frame as an 8-bit PNG, windowed; colour images are returned as they are."""
    from PIL import Image

    ds = dcmread(io.BytesIO(dicom_bytes))
    pixels = ds.pixel_array
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    colour = getattr(ds, "SamplesPerPixel", 1) > 1
    if frames > 1:
        pixels = pixels[min(max(frame, 0), frames - 1)]
    if colour:
        image = Image.fromarray(np.ascontiguousarray(pixels, dtype=np.uint8), mode="RGB")
    else:
        values = pixels.astype(np.float64) * float(getattr(ds, "RescaleSlope", 1) or 1) + float(
            getattr(ds, "RescaleIntercept", 0) or 0)
        if center is None or width is None:
            center, width = (values.max() + values.min()) / 2, max(values.max() - values.min(), 1.0)
        scaled = np.clip((values - (center - width / 2)) / max(width, 1e-6), 0, 1) * 255
        if str(getattr(ds, "PhotometricInterpretation", "")) == "MONOCHROME1":
            scaled = 255 - scaled
        image = Image.fromarray(scaled.astype(np.uint8), mode="L")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
