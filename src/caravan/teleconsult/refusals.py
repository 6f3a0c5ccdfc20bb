"""The ECG and DICOM readers' refusals, worded in the user's language.

The readers (ecg/, imaging.py) are plain Python with no Django: they raise a
stable code and its particulars. This table gives each code its sentence for
gettext, so a clinician in Astana reads why the upload was refused in Russian.
A code missing here falls back to the reader's English sentence, never to an error.
"""

from django.utils.translation import gettext_lazy as _

from .ecg import EcgRefused

MESSAGES = {
    "no_file": _("No file was given."),
    "empty_file": _("The file is empty."),
    "too_many_files": _("Send one file, or a WFDB header with its data files."),
    "executable": _("The file starts like an executable program (MZ or ELF), not a medical file."),
    "not_dicom": _("Not a DICOM file: the 'DICM' marker at byte 128 is missing."),
    "unreadable_dicom": _("The DICOM file could not be read: %(detail)s"),
    "no_pixels": _("The DICOM file holds no image."),
    "no_waveform": _("The DICOM file holds no waveform."),
    "unreadable_waveform": _("The DICOM waveform could not be read: %(detail)s"),
    "unsupported_json": _("JSON (such as a FHIR Observation) is not a supported ECG format."),
    "unknown_format": _("The file is not a DICOM file, a WFDB header, an HL7 aECG document or delimited text."),
    "multi_segment": _("Multi-segment WFDB records are not supported; send a single-segment record."),
    "bad_record_name": _("The record name '%(name)s' is not a plain file name."),
    "bad_header": _("The header names the data file '%(file)s', which is not a plain file name."),
    "missing_data_file": _("Missing data file: the header names %(file)s, which was not uploaded."),
    "unsupported_format": _("WFDB storage format %(format)s is not supported."),
    "truncated_data_file": _("Truncated data file: %(file)s holds %(size)s bytes, the header needs %(expected)s "
                             "for %(samples)s samples."),
    "unreadable_wfdb": _("The WFDB record could not be read: %(detail)s"),
    "no_samples": _("The WFDB record holds no samples."),
    "xml_entities": _("The XML declares entities or a DTD, which are refused."),
    "broken_xml": _("Broken XML: the document is not well-formed (%(detail)s)."),
    "not_aecg": _("The XML is not an HL7 annotated ECG (AnnotatedECG root element)."),
    "no_rhythm": _("The aECG document holds no rhythm waveform series."),
    "bad_digits": _("Lead %(lead)s: the samples are not numbers."),
    "no_time_increment": _("The aECG rhythm series gives no time increment."),
    "no_text_samples": _("The text file holds no samples."),
    "ragged_rows": _("The rows of the text file do not all have the same number of values."),
    "not_numbers": _("Row %(row)s of the samples is not a list of numbers."),
    "header_mismatch": _("The header names %(columns)s columns but the rows hold %(values)s values."),
    "no_sampling_rate": _("The sampling rate is not in the file: give it (in Hz) with the upload."),
    "only_time_column": _("The text file holds only a time column."),
}


def message_for(refusal: EcgRefused) -> str:
    """The refusal's sentence in the active language."""
    template = MESSAGES.get(refusal.code)
    if template is None:
        return refusal.message
    try:
        return str(template) % refusal.params if refusal.params else str(template)
    except (KeyError, TypeError, ValueError):
        return refusal.message  # a reader that forgot a particular still says what is wrong
