"""Languages: switching, right-to-left for Persian, fallback to English, Jalali dates in the footer."""

import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.conf import settings

from caravan.core import context_processors

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def stylesheets(response) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)">', response.content.decode())


@pytest.fixture
def nowruz(monkeypatch):
    """Freeze the footer's today at 20 March 2024, which is 1 Farvardin 1403."""
    monkeypatch.setattr(context_processors, "timezone", SimpleNamespace(localdate=lambda: date(2024, 3, 20)))


def test_english_is_the_default(client):
    response = client.get("/login/")
    assert html_tag(response) == '<html lang="en" dir="ltr">'
    assert stylesheets(response) == ["/static/vendor/bootstrap-5.3.9/bootstrap.min.css", "/static/core/caravan.css"]


def test_switching_to_persian_sets_the_cookie_and_turns_the_page_right_to_left(cast, client_as, nowruz):
    client = client_as(cast.coordinator)
    response = client.post("/i18n/setlang/", {"language": "fa", "next": "/"})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert response.cookies[COOKIE].value == "fa"
    response = client.get("/")
    assert html_tag(response) == '<html lang="fa" dir="rtl">'
    assert stylesheets(response) == ["/static/vendor/bootstrap-5.3.9/bootstrap.rtl.min.css", "/static/core/caravan.css"]
    # The footer's date is Jalali, in Persian digits.
    assert '<time datetime="2024-03-20">۱۴۰۳/۰۱/۰۱</time>' in response.content.decode()
    # The language menu marks Persian as chosen.
    assert '<option value="fa" lang="fa" selected>' in response.content.decode()


def test_switching_to_chinese_stays_left_to_right_with_gregorian_dates(cast, client_as, nowruz):
    client = client_as(cast.coordinator)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    response = client.get("/")
    assert html_tag(response) == '<html lang="zh-hans" dir="ltr">'
    assert '<time datetime="2024-03-20">2024年3月20日</time>' in response.content.decode()


def test_english_footer_date(cast, client_as, nowruz):
    response = client_as(cast.coordinator).get("/")
    assert '<time datetime="2024-03-20">Mar 20, 2024</time>' in response.content.decode()


def test_switching_back_to_english(cast, client_as):
    client = client_as(cast.coordinator)
    client.post("/i18n/setlang/", {"language": "fa", "next": "/"})
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert html_tag(client.get("/")) == '<html lang="en" dir="ltr">'


def test_an_unknown_language_cookie_falls_back_to_english_not_the_browser_language(client):
    client.cookies[COOKIE] = "xx"
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="fa")
    assert html_tag(response) == '<html lang="en" dir="ltr">'


def test_without_a_cookie_the_browser_language_is_used(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="fa")
    assert html_tag(response) == '<html lang="fa" dir="rtl">'


def test_an_unknown_lang_parameter_falls_back_to_english(client):
    client.cookies[COOKIE] = "fa"
    response = client.get("/login/?lang=xx")
    assert html_tag(response) == '<html lang="en" dir="ltr">'


def test_a_known_lang_parameter_is_used_for_that_page(client):
    response = client.get("/login/?lang=FA")
    assert html_tag(response) == '<html lang="fa" dir="rtl">'
    # Only that page: the next one is English again.
    assert html_tag(client.get("/login/")) == '<html lang="en" dir="ltr">'


def test_an_unknown_language_cannot_be_chosen(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/login/"})
    assert response.status_code == 302
    assert COOKIE not in response.cookies
    assert html_tag(client.get("/login/")) == '<html lang="en" dir="ltr">'


def test_setlang_will_not_redirect_to_another_site(client):
    response = client.post("/i18n/setlang/", {"language": "fa", "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_every_language_renders_the_login_page(client, code):
    client.cookies[COOKIE] = code
    response = client.get("/login/")
    assert response.status_code == 200
    assert html_tag(response) == f'<html lang="{code}" dir="{"rtl" if code == "fa" else "ltr"}">'
