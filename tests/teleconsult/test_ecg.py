"""The ECG pipeline on real files made by others: exact leads, rates and sample counts; refusals that say why."""

import numpy as np
import pytest
import wfdb
from pydicom.data import get_testdata_file

from caravan.teleconsult.ecg import EcgRecord, EcgRefused, heart_rate, r_peaks, read_ecg
from caravan.teleconsult.ecg.detect import detect
from caravan.teleconsult.ecg.rpeaks import rhythm_lead

from .conftest import ACCEPTANCE, files

TWELVE = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]


@pytest.mark.parametrize(("paths", "fmt", "rate", "leads", "samples"), [
    (("wfdb/100.hea", "wfdb/100.dat"), "wfdb", 360.0, ["MLII", "V5"], 650000),
    (("wfdb/s0010_re.hea", "wfdb/s0010_re.dat", "wfdb/s0010_re.xyz"), "wfdb", 1000.0,
     [*TWELVE, "Vx", "Vy", "Vz"], 38400),
    (("wfdb/test01_00s.hea", "wfdb/test01_00s.dat"), "wfdb", 500.0, ["ECG 1", "ECG 2", "ECG 3", "ECG 4"], 4000),
    (("wfdb/100_3chan.hea", "wfdb/100_3chan.dat"), "wfdb", 360.0, ["I", "II", "III"], 999),
    (("hl7-aecg/Example_aECG_HL7_2003-12.xml",), "aecg", 500.0,
     ["I", "II", "V1", "V2", "V3", "V4", "V5", "V6", "III", "aVR", "aVL", "aVF"], 5000),
    (("hl7-aecg/minimum_aecg.xml",), "aecg", 500.0, ["II"], 13),
    (("hl7-aecg/minimum_aecg_effectiveTime_interval.xml",), "aecg", 500.0, ["II"], 13),
    (("ecg-text/biosppy_ecg.txt",), "text", 1000.0, ["ECG"], 15000),
    (("ecg-text/biosppy_pcg_ecg.txt",), "text", 2000.0, ["PCG", "ECG"], 10000),
])
def test_every_acceptance_ecg_imports_exactly(paths, fmt, rate, leads, samples):
    record = read_ecg(files(*paths))
    assert (record.format, record.sampling_rate, record.leads, record.sample_count) == (fmt, rate, leads, samples)
    assert record.signals.dtype == np.float32
    assert record.signals.shape == (len(leads), samples)


def test_pydicom_twelve_lead_waveform():
    path = get_testdata_file("waveform_ecg.dcm")
    with open(path, "rb") as handle:
        record = read_ecg({"waveform_ecg.dcm": handle.read()})
    assert (record.format, record.sampling_rate, record.leads, record.sample_count) == ("dicom", 1000.0, TWELVE, 10000)
    # Channel sensitivity is 1.25 µV per unit: the first sample of lead I is 80 units = 0.1 mV.
    assert record.signals[0, 0] == pytest.approx(0.1)


def test_physical_units_are_millivolts():
    record = read_ecg(files("wfdb/100.hea", "wfdb/100.dat"))
    # Record 100 stores ADC 995 on a 1024 baseline at 200 units/mV for the first MLII sample.
    assert record.signals[0, 0] == pytest.approx((995 - 1024) / 200)
    aecg = read_ecg(files("hl7-aecg/minimum_aecg.xml"))
    assert aecg.signals[0, :3].tolist() == pytest.approx([-0.005, -0.005, -0.005])  # -2 × 2.5 µV
    pcg = read_ecg(files("ecg-text/biosppy_pcg_ecg.txt"))
    assert pcg.signals[1, 0] == pytest.approx(1878.24)  # 1.87824 V


def test_r_peaks_of_record_100_match_the_reference_annotations():
    record = read_ecg(files("wfdb/100.hea", "wfdb/100.dat"))
    found = r_peaks(record.signals[0], record.sampling_rate)
    annotation = wfdb.rdann(str(ACCEPTANCE / "wfdb" / "100"), "atr")
    beats = np.array([s for s, sym in zip(annotation.sample, annotation.symbol, strict=True) if sym in "NAV"])
    assert len(beats) == 2273
    assert len(found) == 2273
    after = np.searchsorted(found, beats).clip(1, len(found) - 1)
    nearest = np.minimum(np.abs(found[after] - beats), np.abs(found[after - 1] - beats))
    within_50_ms = np.count_nonzero(nearest <= 0.05 * 360)
    assert within_50_ms == 2273  # every reference beat has a detected R peak within 50 ms
    assert round(heart_rate(found, 360.0)) == 75


def test_heart_rate_of_the_twelve_lead_dicom_and_the_text_file():
    with open(get_testdata_file("waveform_ecg.dcm"), "rb") as handle:
        record = read_ecg({"w.dcm": handle.read()})
    lead = rhythm_lead(record.leads)
    assert record.leads[lead] == "II"
    assert round(heart_rate(r_peaks(record.signals[lead], 1000.0), 1000.0)) == 61
    text = read_ecg(files("ecg-text/biosppy_pcg_ecg.txt"))
    assert text.leads[rhythm_lead(text.leads)] == "ECG"


@pytest.mark.parametrize(("paths", "code", "words"), [
    (("malformed/wfdb_truncated_dat/100.hea", "malformed/wfdb_truncated_dat/100.dat"), "truncated_data_file",
     "Truncated data file: 100.dat holds 100001 bytes, the header needs 1950000 for 650000 samples."),
    (("malformed/wfdb_missing_dat/test01_00s.hea",), "missing_data_file",
     "Missing data file: the header names test01_00s.dat, which was not uploaded."),
    (("malformed/CT_small_bad_DICM_magic.dcm",), "not_dicom",
     "Not a DICOM file: the 'DICM' marker at byte 128 is missing."),
    (("malformed/empty_file.dcm",), "empty_file", "The file is empty."),
    (("malformed/aecg_empty_root.xml",), "no_rhythm", "The aECG document holds no rhythm waveform series."),
    (("malformed/aecg_Example_truncated.xml",), "broken_xml",
     "Broken XML: the document is not well-formed (no element found: line 325, column 21)."),
    (("malformed/fhir_R5_observation_ekg_not_R4.json",), "unsupported_json",
     "JSON (such as a FHIR Observation) is not a supported ECG format."),
])
def test_every_malformed_file_is_refused_with_its_reason(paths, code, words):
    with pytest.raises(EcgRefused) as refused:
        read_ecg(files(*paths))
    assert (refused.value.code, refused.value.message) == (code, words)


@pytest.mark.parametrize("start", [b"MZ", b"\x7fELF"])
def test_a_dicom_whose_preamble_is_an_executable_is_refused(start):
    dicom = (ACCEPTANCE / "dicom-images" / "CT_small.dcm").read_bytes()
    with pytest.raises(EcgRefused) as refused:
        read_ecg({"x.dcm": start + dicom[len(start):]})
    assert refused.value.code == "executable"


def test_xml_entities_are_never_expanded():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            b'<AnnotatedECG xmlns="urn:hl7-org:v3">&lol2;</AnnotatedECG>')
    with pytest.raises(EcgRefused) as refused:
        read_ecg({"bomb.xml": bomb})
    assert refused.value.code == "xml_entities"


def test_csv_with_a_header_row_and_a_time_column():
    rows = ["time,I,II"] + [f"{i / 250:.3f},{np.sin(i / 10):.4f},{np.cos(i / 10):.4f}" for i in range(500)]
    record = read_ecg({"ecg.csv": "\n".join(rows).encode()})
    assert (record.sampling_rate, record.leads, record.sample_count) == (250.0, ["I", "II"], 500)


def test_semicolon_text_without_header_takes_the_rate_given():
    body = "\n".join(f"{i};{-i}" for i in range(100)).encode()
    with pytest.raises(EcgRefused) as refused:
        read_ecg({"x.txt": body})
    assert refused.value.message == "The sampling rate is not in the file: give it (in Hz) with the upload."
    record = read_ecg({"x.txt": body}, sampling_rate=500)
    assert (record.sampling_rate, record.leads, record.signals[1, 3]) == (500.0, ["Lead 1", "Lead 2"], -3.0)


def test_ragged_text_and_words_are_refused():
    with pytest.raises(EcgRefused) as refused:
        read_ecg({"x.csv": b"I,II\n1,2\n3\n"}, sampling_rate=100)
    assert refused.value.code == "ragged_rows"
    with pytest.raises(EcgRefused) as refused:
        read_ecg({"x.csv": b"1,2\n3,abc\n"}, sampling_rate=100)
    assert refused.value.message == "Row 2 of the samples is not a list of numbers."


def test_a_header_naming_a_path_is_refused():
    header = b"evil 1 360 10\n../../etc/passwd 16 200 11 0 0 0 0 I\n"
    with pytest.raises(EcgRefused) as refused:
        read_ecg({"evil.hea": header, "passwd": b"\x00" * 20})
    assert refused.value.code == "bad_header"


def test_detection_ignores_the_file_name():
    data = (ACCEPTANCE / "hl7-aecg" / "minimum_aecg.xml").read_bytes()
    assert detect(data) == "aecg"
    assert read_ecg({"looks_like.dcm": data}).format == "aecg"


def test_the_array_file_round_trips():
    record = read_ecg(files("wfdb/100_3chan.hea", "wfdb/100_3chan.dat"))
    again = EcgRecord.from_npz(record.to_npz())
    assert (again.leads, again.sampling_rate) == (record.leads, record.sampling_rate)
    assert np.array_equal(again.signals, record.signals)


def test_every_refusal_code_has_a_translatable_sentence_equal_to_the_readers():
    """The table of refusals.py words each code exactly as the reader does in English, particulars included."""
    import ast
    from pathlib import Path

    from caravan.teleconsult import refusals

    root = Path(refusals.__file__).parent
    codes = set()
    for path in [*root.joinpath("ecg").glob("*.py"), root / "imaging.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("EcgRefused", "DicomRefused")
                    and node.args and isinstance(node.args[0], ast.Constant)):
                codes.add(node.args[0].value)
    assert codes == set(refusals.MESSAGES)


@pytest.mark.parametrize("paths", [
    ("malformed/wfdb_truncated_dat/100.hea", "malformed/wfdb_truncated_dat/100.dat"),
    ("malformed/wfdb_missing_dat/test01_00s.hea",), ("malformed/CT_small_bad_DICM_magic.dcm",),
    ("malformed/empty_file.dcm",), ("malformed/aecg_empty_root.xml",), ("malformed/aecg_Example_truncated.xml",),
    ("malformed/fhir_R5_observation_ekg_not_R4.json",),
])
def test_the_translated_sentence_of_each_malformed_file_is_the_readers(paths):
    from caravan.teleconsult.refusals import message_for

    with pytest.raises(EcgRefused) as refused:
        read_ecg(files(*paths))
    assert message_for(refused.value) == refused.value.message


def test_the_sentence_follows_the_active_language(monkeypatch):
    from django.utils import translation

    from caravan.teleconsult import refusals

    # The catalogues are regenerated by the lead: a stand-in for a translated entry shows the lookup is made
    # in the language active when the answer is written, as gettext_lazy's entries are.
    english = str(refusals.MESSAGES["truncated_data_file"])

    class Translated:
        def __str__(self):
            return "Fichier de données tronqué : %(file)s" if translation.get_language() == "fr" else english

    monkeypatch.setitem(refusals.MESSAGES, "truncated_data_file", Translated())
    with pytest.raises(EcgRefused) as refused:
        read_ecg(files("malformed/wfdb_truncated_dat/100.hea", "malformed/wfdb_truncated_dat/100.dat"))
    assert refused.value.params == {"file": "100.dat", "size": 100001, "expected": 1950000, "samples": 650000}
    with translation.override("fr"):
        assert refusals.message_for(refused.value) == "Fichier de données tronqué : 100.dat"
