"""DICOM images from the acceptance folder: decoded, de-identified, rendered."""

import io

import pydicom
import pytest

from caravan.teleconsult.imaging import DicomRefused, is_dicom_image, read_image, render_png

from .conftest import ACCEPTANCE

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("name", "size", "frames", "modality", "syntax"), [
    ("CT_small.dcm", (128, 128), 1, "CT", "Explicit VR Little Endian (1.2.840.10008.1.2.1)"),
    ("MR_small.dcm", (64, 64), 1, "MR", "Explicit VR Little Endian (1.2.840.10008.1.2.1)"),
    ("MR_small_RLE.dcm", (64, 64), 1, "MR", "RLE Lossless (1.2.840.10008.1.2.5)"),
    ("SC_rgb_jpeg_dcmtk.dcm", (100, 100), 1, "OT", "JPEG Baseline (Process 1) (1.2.840.10008.1.2.4.50)"),
    ("emri_small.dcm", (64, 64), 10, "MR", "Explicit VR Little Endian (1.2.840.10008.1.2.1)"),
    ("emri_small_RLE.dcm", (64, 64), 10, "MR", "RLE Lossless (1.2.840.10008.1.2.5)"),
    ("CR_dicomdirtests_77654033_CR1_6154.dcm", (16, 16), 1, "CR", "Explicit VR Little Endian (1.2.840.10008.1.2.1)"),
])
def test_every_acceptance_image_reads_and_renders(name, size, frames, modality, syntax):
    data = (ACCEPTANCE / "dicom-images" / name).read_bytes()
    assert is_dicom_image(data)
    image = read_image(data, date_shift_days=-100)
    meta = image.meta
    assert ((meta["rows"], meta["columns"]), meta["frames"], meta["modality"]) == (size, frames, modality)
    assert (meta["transfer_syntax"], meta["decoded"], meta["decode_error"]) == (syntax, True, "")
    png = render_png(image.dicom_bytes, frame=frames - 1)
    assert png.startswith(PNG)


def test_deidentification_removes_names_and_shifts_dates():
    data = (ACCEPTANCE / "dicom-images" / "CT_small.dcm").read_bytes()
    before = pydicom.dcmread(io.BytesIO(data))
    assert (str(before.PatientName), before.PatientID, before.StudyDate) == ("CompressedSamples^CT1", "1CT1", "20040119")
    image = read_image(data, date_shift_days=-100)
    after = pydicom.dcmread(io.BytesIO(image.dicom_bytes))
    assert "PatientName" not in after and "PatientID" not in after and "InstitutionName" not in after
    assert (after.StudyDate, after.PatientIdentityRemoved) == ("20031011", "YES")
    kept = pydicom.dcmread(io.BytesIO(read_image(data, date_shift_days=-100, keep_identity=True).dicom_bytes))
    assert (str(kept.PatientName), kept.StudyDate) == ("CompressedSamples^CT1", "20040119")


def test_window_presets_of_a_ct():
    meta = read_image((ACCEPTANCE / "dicom-images" / "CT_small.dcm").read_bytes(), date_shift_days=0).meta
    assert meta["presets"]["lung"] == [-600, 1500]
    assert meta["presets"]["full_range"] == [135.5, 2063.0]


def test_damaged_and_executable_files_are_refused():
    with pytest.raises(DicomRefused) as refused:
        read_image((ACCEPTANCE / "malformed" / "CT_small_bad_DICM_magic.dcm").read_bytes(), date_shift_days=0)
    assert refused.value.code == "unreadable_dicom"
    data = (ACCEPTANCE / "dicom-images" / "MR_small.dcm").read_bytes()
    with pytest.raises(DicomRefused) as refused:
        read_image(b"MZ" + data[2:], date_shift_days=0)
    assert refused.value.code == "executable"


UID_KEYWORDS = ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "FrameOfReferenceUID")


def _uids(dicom_bytes):
    ds = pydicom.dcmread(io.BytesIO(dicom_bytes))
    return {k: str(getattr(ds, k)) for k in UID_KEYWORDS if k in ds} | {
        "MediaStorageSOPInstanceUID": str(ds.file_meta.MediaStorageSOPInstanceUID), "SOPClassUID": str(ds.SOPClassUID)}


def test_uids_are_replaced_consistently_per_case():
    data = (ACCEPTANCE / "dicom-images" / "CT_small.dcm").read_bytes()
    original = _uids(data)
    first = _uids(read_image(data, date_shift_days=-10, uid_key=b"case-1").dicom_bytes)
    again = _uids(read_image(data, date_shift_days=-10, uid_key=b"case-1").dicom_bytes)
    other_case = _uids(read_image(data, date_shift_days=-10, uid_key=b"case-2").dicom_bytes)
    assert first == again  # the same study in the same case keeps one set of UIDs
    for keyword in UID_KEYWORDS:
        assert first[keyword] != original[keyword] and first[keyword].startswith("2.25.")
        assert first[keyword] != other_case[keyword]  # another case cannot be linked to it
        assert len(first[keyword]) <= 64
    assert first["MediaStorageSOPInstanceUID"] == first["SOPInstanceUID"]
    assert first["SOPClassUID"] == original["SOPClassUID"] == "1.2.840.10008.5.1.4.1.1.2"  # what it is, kept
    # Without a key (identified images allowed, or the pure function alone) the UIDs stay.
    assert _uids(read_image(data, date_shift_days=0, keep_identity=True, uid_key=b"case-1").dicom_bytes) == original


def test_two_series_of_one_study_keep_their_link():
    one = pydicom.dcmread(io.BytesIO((ACCEPTANCE / "dicom-images" / "MR_small.dcm").read_bytes()))
    two = pydicom.dcmread(io.BytesIO((ACCEPTANCE / "dicom-images" / "MR_small.dcm").read_bytes()))
    two.SeriesInstanceUID = "1.2.3.4.5.6"
    two.SOPInstanceUID = two.file_meta.MediaStorageSOPInstanceUID = "1.2.3.4.5.6.1"
    outputs = []
    for ds in (one, two):
        buffer = io.BytesIO()
        ds.save_as(buffer, enforce_file_format=True)
        outputs.append(_uids(read_image(buffer.getvalue(), date_shift_days=0, uid_key=b"k").dicom_bytes))
    assert outputs[0]["StudyInstanceUID"] == outputs[1]["StudyInstanceUID"]
    assert outputs[0]["SeriesInstanceUID"] != outputs[1]["SeriesInstanceUID"]
