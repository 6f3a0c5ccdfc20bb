"""Give every Django form Bootstrap classes, ARIA error links and the reader's calendar, in one place."""

import re
from datetime import date

import jdatetime
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .formats import PERSIAN_DIGITS

LATIN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
DAY_PATTERN = re.compile(r"^\s*(\d{3,4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*$")
# Jalali years are about 621 behind Gregorian ones; any year below this is read as Jalali.
JALALI_BEFORE = 1700


class DayInput(forms.DateInput):
    """The browser's date picker; it always exchanges ISO dates, whatever the page language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class JalaliDayInput(forms.TextInput):
    """A day typed as year/month/day in the Jalali calendar, shown with Persian digits."""

    def __init__(self, attrs=None):
        attrs = {"inputmode": "numeric", "dir": "ltr", "placeholder": "۱۴۰۳/۰۲/۱۷", "data-calendar": "jalali",
                 **(attrs or {})}
        super().__init__(attrs)

    def format_value(self, value):
        if isinstance(value, date):
            return jdatetime.date.fromgregorian(date=value).strftime("%Y/%m/%d").translate(PERSIAN_DIGITS)
        return super().format_value(value)


class JalaliDayField(forms.DateField):
    """Reads ۱۴۰۳/۰۲/۱۷ or 1403/2/17 as a Jalali day; a Gregorian ISO day (2024-05-06) is accepted too."""

    widget = JalaliDayInput
    default_error_messages = {
        "invalid": _("Enter the day as year/month/day in the Jalali calendar, e.g. ۱۴۰۳/۰۲/۱۷."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        match = DAY_PATTERN.match(str(value).translate(LATIN_DIGITS))
        if match is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        year, month, day = (int(part) for part in match.groups())
        try:
            if year < JALALI_BEFORE:
                return jdatetime.date(year, month, day).togregorian()
            return date(year, month, day)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def _jalali_copy(field: forms.DateField) -> JalaliDayField:
    """The same field, typed in the Jalali calendar: label, help, validators and widget attributes kept."""
    attrs = {k: v for k, v in field.widget.attrs.items() if k not in ("type", "min", "max")}
    return JalaliDayField(required=field.required, label=field.label, help_text=field.help_text,
                          initial=field.initial, validators=field.validators, disabled=field.disabled,
                          widget=JalaliDayInput(attrs))


class BootstrapFormMixin:
    """Mixin for forms: Bootstrap classes on widgets, `is-invalid` and aria-invalid on bad fields.

    For Persian readers every day field becomes a Jalali one: the browser's date
    picker only knows the Gregorian calendar, which Iranian users do not work in.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if (get_language() or "").lower() == "fa":
            for name, field in list(self.fields.items()):
                if type(field) is forms.DateField:
                    self.fields[name] = _jalali_copy(field)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def add_error(self, field, error):
        # Also reached for errors a service reports after validation, so mark the widget here.
        super().add_error(field, error)
        for name in list(self.errors):
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
            widget.attrs["aria-invalid"] = "true"
            auto_id = self[name].auto_id
            described = [f"{auto_id}_error"]
            if self.fields[name].help_text:
                described.append(f"{auto_id}_helptext")
            widget.attrs["aria-describedby"] = " ".join(described)


def apply_errors(form: forms.Form, exc) -> None:
    """Show an ApplicationError's field messages on the form (unknown fields go to the top)."""
    if not exc.fields:
        form.add_error(None, str(exc.message))
        return
    for field, errors in exc.fields.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
