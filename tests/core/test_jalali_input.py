"""Persian readers type days in the Jalali calendar; every other language keeps the browser's date picker."""

from datetime import date

import pytest
from django import forms
from django.utils import translation

from caravan.core.forms_widgets import BootstrapFormMixin, DayInput, JalaliDayField
from caravan.registry.models import Region

JALALI_MESSAGE = "Enter the day as year/month/day in the Jalali calendar, e.g. ۱۴۰۳/۰۲/۱۷."


class TripForm(BootstrapFormMixin, forms.Form):
    first_day = forms.DateField(label="First day", widget=DayInput)
    last_day = forms.DateField(label="Last day", required=False, widget=DayInput(attrs={"min": "2020-01-01"}))
    at = forms.DateTimeField(label="At", required=False)


@pytest.mark.parametrize(("typed", "expected"), [
    ("۱۴۰۳/۰۲/۱۷", date(2024, 5, 6)),     # Persian digits, as Iranian keyboards type them
    ("1403/2/17", date(2024, 5, 6)),       # Latin digits without leading zeros
    ("١٤٠٣-٠٢-١٧", date(2024, 5, 6)),      # Arabic-Indic digits and dashes
    (" 1399/04/16 ", date(2020, 7, 6)),
    ("2024-05-06", date(2024, 5, 6)),      # a pasted ISO day stays Gregorian
    ("1403/12/30", date(2025, 3, 20)),     # 1403 is a leap year in the Jalali calendar
])
def test_a_jalali_day_is_read_into_the_gregorian_day(typed, expected):
    assert JalaliDayField().clean(typed) == expected


@pytest.mark.parametrize("typed", ["1403/13/01", "1402/12/30", "۱۴۰۳/۰۲", "tomorrow", "2024-02-30"])
def test_an_impossible_day_is_refused_with_the_jalali_example(typed):
    with pytest.raises(forms.ValidationError) as refused:
        JalaliDayField().clean(typed)
    assert refused.value.messages == [JALALI_MESSAGE]


def test_in_persian_day_fields_become_jalali_text_inputs_showing_persian_digits():
    with translation.override("fa"):
        form = TripForm(initial={"first_day": date(2024, 5, 6)})
        html = str(form["first_day"])
        last = str(form["last_day"])
    assert isinstance(form.fields["first_day"], JalaliDayField)
    assert 'type="text"' in html and 'value="۱۴۰۳/۰۲/۱۷"' in html and 'data-calendar="jalali"' in html
    assert 'dir="ltr"' in html and 'class="form-control"' in html
    assert "min=" not in last  # a Gregorian bound means nothing to a Jalali text input
    assert type(form.fields["at"]) is forms.DateTimeField  # times keep their own input


def test_other_languages_keep_the_browser_date_picker():
    for language in ("en", "zh-hans", "ru", "kk", "vi", "hi"):
        with translation.override(language):
            form = TripForm(initial={"first_day": date(2024, 5, 6)})
            html = str(form["first_day"])
        assert 'type="date"' in html and 'value="2024-05-06"' in html, language


def test_a_persian_form_with_a_bad_day_names_the_field():
    with translation.override("fa"):
        form = TripForm(data={"first_day": "1403/02/32"})
        assert not form.is_valid()
        assert 'aria-invalid="true"' in str(form["first_day"])
    assert form.errors == {"first_day": [JALALI_MESSAGE]}


def test_a_region_created_in_persian_is_valid_from_the_gregorian_day(cast, client_as):
    client = client_as(cast.admin_a)
    client.cookies["caravan_language"] = "fa"
    page = client.get("/registry/regions/new/").content.decode()
    assert 'name="valid_from"' in page and 'data-calendar="jalali"' in page
    response = client.post("/registry/regions/new/", {
        "code": "IR-MZ-SR", "name": "Sari County", "name_local": "شهرستان ساری", "level": "3",
        "parent": cast.mazandaran_region.pk, "valid_from": "۱۳۹۹/۰۴/۱۶", "meets_commune_criteria": "true"})
    assert response.status_code == 302
    assert Region.objects.get(code="IR-MZ-SR").valid_from == date(2020, 7, 6)
