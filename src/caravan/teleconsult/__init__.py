"""Teleconsultation and remote MDT: cases, ECGs and DICOM images, routing with response-time targets, reports and live ECG."""
