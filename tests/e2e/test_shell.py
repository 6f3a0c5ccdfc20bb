"""The shell in a real browser: login, languages, right-to-left, Jalali dates, screenshots."""

import re

import jdatetime
import pytest
from django.conf import settings
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_shows_the_network_at_a_glance(cast, page, login):
    login("coordinator")
    summary = page.get_by_test_id("summary")
    # The coordinator's network holds Gangcha and Liaocheng, both in China.
    assert summary.inner_text().split("\n")[:2] == ["Countries", "1"]
    assert page.locator("html").get_attribute("dir") == "ltr"


def test_wrong_password_is_refused_with_a_message(cast, page):
    page.goto(page.base_url + "/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text() == "The username or password is not right."


def test_switching_to_persian_turns_the_page_right_to_left_with_jalali_dates(cast, page, login):
    login("coordinator")
    page.select_option("#language-select", "fa")
    page.wait_for_function("document.documentElement.lang === 'fa'")
    assert page.locator("html").get_attribute("dir") == "rtl"
    stylesheet = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert stylesheet.endswith("bootstrap.rtl.min.css")
    today = jdatetime.date.fromgregorian(date=timezone.localdate())
    expected = today.strftime("%Y/%m/%d").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert expected in page.get_by_test_id("today").inner_text()


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_home_page_screenshot_in_each_language(cast, page, login, artifacts, language):
    login("coordinator")
    page.select_option("#language-select", language)
    page.wait_for_function(f"document.documentElement.lang === '{language}'")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "fa" else "ltr")
    path = artifacts / f"home-{language}.png"
    page.screenshot(path=str(path), full_page=True)
    # A real PNG of a rendered page, not an empty file.
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert re.search(r"\S", page.get_by_test_id("summary").inner_text())
