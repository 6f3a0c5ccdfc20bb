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
