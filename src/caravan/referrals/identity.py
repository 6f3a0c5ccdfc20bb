"""Checks on a referred patient's identity and diagnosis: pure functions, no database.

Passport formats are those the issuing countries print in the machine-readable
zone of their current ordinary passports; a country not in the table gets only
the ICAO rule (letters and digits, 6 to 9 characters).
"""

import re

# ISO 3166 alpha-2 -> (pattern of the ordinary passport number, an example for the message).
PASSPORT_FORMATS: dict[str, tuple[str, str]] = {
    "IR": (r"[A-Z]\d{8}", "K12345678"),
    "TJ": (r"\d{9}", "401234567"),
    "ZW": (r"[A-Z]{2}\d{6}", "FN123456"),
    "BH": (r"\d{7,9}", "2345678"),
    "BD": (r"[A-Z]{1,2}\d{7}", "A0123456"),
    "LY": (r"[A-Z0-9]\d{7}", "N1234567"),
    "SC": (r"[A-Z]?\d{6,7}", "A123456"),
    "MN": (r"[A-Z]\d{7}", "E1234567"),
    "KZ": (r"N\d{8}", "N12345678"),
    "RU": (r"\d{9}", "751234567"),
    "CN": (r"E[A-Z0-9]\d{7}", "EA1234567"),
    "VN": (r"[A-Z]\d{7}", "C1234567"),
}
ICAO_GENERIC = re.compile(r"[A-Z0-9]{6,9}")
_COMPILED = {country: re.compile(pattern) for country, (pattern, _example) in PASSPORT_FORMATS.items()}

# A three-character category, optionally a dot and up to four more characters (A00–Z99, U for special use).
ICD10 = re.compile(r"[A-TV-Z]\d{2}(\.[0-9A-Z]{1,4})?|U\d{2}(\.[0-9A-Z]{1,4})?")


def normalise_passport(value: str) -> str:
    return re.sub(r"[\s-]", "", (value or "").upper())


def passport_problem(nationality: str, number: str) -> str | None:
    """None when the number fits the nationality's format; else an example of the right format ("" if unknown)."""
    number = normalise_passport(number)
    rule = _COMPILED.get((nationality or "").upper())
    if rule is not None:
        return None if rule.fullmatch(number) else PASSPORT_FORMATS[nationality.upper()][1]
    return None if ICAO_GENERIC.fullmatch(number) else ""


def normalise_icd10(value: str) -> str:
    return (value or "").strip().upper()


def icd10_valid(code: str) -> bool:
    return bool(ICD10.fullmatch(normalise_icd10(code)))


def mask_passport(number: str) -> str:
    """All but the last three characters hidden: enough to tell two passports apart on a call."""
    if not number:
        return ""
    return "•" * max(len(number) - 3, 3) + number[-3:]
