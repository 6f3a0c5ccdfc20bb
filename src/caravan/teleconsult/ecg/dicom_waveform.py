"""DICOM waveform objects (12-lead and general ECG), read with pydicom."""

import numpy as np

from .errors import EcgRefused
from .record import EcgRecord, lead_name

_TO_MV = {"mv": 1.0, "uv": 0.001, "v": 1000.0}


def read_dicom_waveform(ds) -> EcgRecord:
    """The first waveform group of a dataset pydicom has read, in mV per lead."""
    groups = getattr(ds, "WaveformSequence", None)
    if not groups:
        raise EcgRefused("no_waveform", "The DICOM file holds no waveform.")
    group = groups[0]
    try:
        values = np.asarray(ds.waveform_array(0), dtype=np.float64)  # sensitivity and baseline applied
    except Exception as exc:  # noqa: BLE001 — a damaged waveform can fail in many places inside pydicom
        raise EcgRefused("unreadable_waveform", f"The DICOM waveform could not be read: {exc}",
                         detail=str(exc)) from None
    leads, scale = [], []
    for channel in group.ChannelDefinitionSequence:
        source = channel.ChannelSourceSequence[0] if "ChannelSourceSequence" in channel else None
        leads.append(lead_name(str(getattr(source, "CodeMeaning", "") or getattr(source, "CodeValue", "?"))))
        units = channel.ChannelSensitivityUnitsSequence[0].CodeValue if "ChannelSensitivityUnitsSequence" in channel else "mV"
        scale.append(_TO_MV.get(str(units).lower(), 1.0))
    signals = (values.T * np.array(scale)[:, None]).astype(np.float32)
    return EcgRecord(format="dicom", sampling_rate=float(group.SamplingFrequency), leads=leads, signals=signals,
                     meta={"sop_class": str(ds.SOPClassUID), "groups": len(groups)})
