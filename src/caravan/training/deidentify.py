"""Spot obvious personal identifiers in a case presentation before other sites see it.

A presentation travels from a spoke to the hub and, once approved, to every
other spoke, so its text must be de-identified. This is a safety net, not a
de-identification engine: it catches what is plainly an identifier — a labelled
date of birth, a passport-like number, a long ID or record number, a phone
number, an e-mail address — in the languages Caravan's sites write in. The
hub's approval remains the real check.

Pure functions on strings; nothing here touches the database.
"""

import re
from dataclasses import dataclass

DOB = "date_of_birth"
PASSPORT = "passport_number"
ID_NUMBER = "id_number"
RECORD = "record_number"
PHONE = "phone_number"
EMAIL = "email"

# A date written with digits: 12.03.1975, 1975-03-12, 12/3/75, 1975年3月12日.
_DATE = r"\d{1,4}\s*[./\-年]\s*\d{1,2}\s*[./\-月]\s*\d{1,4}日?"
_YEAR = r"(?:19|20)\d{2}"
_BIRTH_WORDS = (
    r"date\s+of\s+birth|birth\s*date|d\.?\s?o\.?\s?b\.?|born(?:\s+on)?"
    r"|дата\s+рождения|родил(?:ся|ась)|д\.\s?р\."
    r"|туған\s+күні|туған"
    r"|出生日期|出生于|出生|生日"
    r"|تاریخ\s+تولد|متولد"
    r"|ngày\s+sinh|sinh\s+ngày|năm\s+sinh"
    r"|जन्म\s*तिथि|जन्मतिथि|जन्म"
)
_NOT_ALNUM_BEFORE = r"(?<![A-Za-z0-9])"
_NOT_ALNUM_AFTER = r"(?![A-Za-z0-9])"

_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    (DOB, re.compile(rf"(?<![A-Za-z])(?:{_BIRTH_WORDS})\s*[:：]?\s*(?:in\s+|в\s+)?(?:{_DATE}|{_YEAR})", re.IGNORECASE)),
    # Russian "1975 г.р." (year of birth) puts the year first.
    (DOB, re.compile(rf"{_YEAR}\s*г\.?\s?р\.?", re.IGNORECASE)),
    (PASSPORT, re.compile(
        r"(?:passport|паспорт\w*|护照|پاسپورت|گذرنامه|hộ\s+chiếu|पासपोर्ट)\s*(?:no\.?|number|№|#|号码?)?\s*[:：]?\s*"
        r"[A-Za-z]{0,2}\s?\d(?:[\s\-]?\d){4,}", re.IGNORECASE)),
    (PASSPORT, re.compile(rf"{_NOT_ALNUM_BEFORE}[A-Z]{{1,2}}\s?\d{{6,9}}{_NOT_ALNUM_AFTER}")),
    # A Russian or Kazakh internal passport: a four-digit series and a six-digit number.
    (PASSPORT, re.compile(rf"{_NOT_ALNUM_BEFORE}\d{{2}}\s?\d{{2}}\s\d{{6}}{_NOT_ALNUM_AFTER}")),
    (RECORD, re.compile(
        r"(?:MRN|medical\s+record(?:\s+number)?|hospital\s+number|case\s+number|病案号|住院号|门诊号"
        r"|номер\s+истории\s+болезни|история\s+болезни\s*№|шифр)\s*[:：#№]?\s*[A-Za-z0-9\-]{4,}",
        re.IGNORECASE)),
    (EMAIL, re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")),
    (PHONE, re.compile(r"\+\d[\d\s\-()]{8,}\d")),
    # Nine or more digits in a row: national ID numbers (Chinese 18 with a final X, Kazakh IIN 12,
    # Vietnamese 12, Iranian 10), insurance and phone numbers. Clinical values are never that long.
    (ID_NUMBER, re.compile(rf"{_NOT_ALNUM_BEFORE}\d{{9,}}[Xx]?{_NOT_ALNUM_AFTER}")),
)


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: int


def findings(text: str | None) -> list[Finding]:
    """The identifiers found in `text`, in reading order, one per stretch of text."""
    if not text:
        return []
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue  # already reported as a more specific identifier
            taken.append(span)
            found.append(Finding(kind=kind, text=match.group(0).strip(), start=span[0]))
    return sorted(found, key=lambda f: f.start)
