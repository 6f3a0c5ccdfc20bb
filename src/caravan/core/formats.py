"""Dates and numbers as each language writes them.

Persian readers get the Jalali calendar and Persian digits; the others get the
Gregorian calendar in their CLDR format, through Babel.
"""

from datetime import date, datetime

import jdatetime
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from django.utils import timezone
from django.utils.translation import get_language

BABEL_LOCALES = {"en": "en", "zh-hans": "zh_Hans_CN", "fa": "fa_IR", "ru": "ru", "kk": "kk", "vi": "vi", "hi": "hi"}
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def babel_locale(language: str | None = None) -> str:
    return BABEL_LOCALES.get((language or get_language() or "en").lower(), "en")


def format_day(value: date | datetime | None, language: str | None = None) -> str:
    """A calendar day in the reader's calendar: 1403/04/16 for fa, 6 Jul 2020 for en."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    language = (language or get_language() or "en").lower()
    if language == "fa":
        jalali = jdatetime.date.fromgregorian(date=value)
        return jalali.strftime("%Y/%m/%d").translate(PERSIAN_DIGITS)
    return babel_format_date(value, format="medium", locale=babel_locale(language))


def format_number(value, language: str | None = None, *, digits: int | None = None) -> str:
    """A number with the reader's separators (and Persian digits for fa)."""
    if value is None:
        return ""
    language = (language or get_language() or "en").lower()
    fmt = None
    if digits is not None:
        fmt = "#,##0" + ("." + "0" * digits if digits else "")
    # CLDR's own numbering system for the locale gives Persian its separators (٬ and ٫).
    text = format_decimal(value, format=fmt, locale=babel_locale(language), numbering_system="default")
    if language == "fa":
        text = text.translate(PERSIAN_DIGITS)
    return text
