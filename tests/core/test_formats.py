from datetime import date

from caravan.core.formats import format_day, format_number


def test_persian_dates_are_jalali_with_persian_digits():
    # 6 July 2020, the day the Russian team landed in Nur-Sultan, is 16 Tir 1399.
    assert format_day(date(2020, 7, 6), "fa") == "۱۳۹۹/۰۴/۱۶"


def test_other_languages_use_their_gregorian_format():
    assert format_day(date(2020, 7, 6), "en") == "Jul 6, 2020"
    assert format_day(date(2020, 7, 6), "ru") == "6 июл. 2020\u202fг."
    assert format_day(date(2020, 7, 6), "zh-hans") == "2020年7月6日"


def test_numbers_follow_the_locale():
    assert format_number(1268, "en") == "1,268"
    assert format_number(1268, "fa") == "۱٬۲۶۸"
    assert format_number(12.8, "ru", digits=1) == "12,8"
    assert format_number(38.1, "fa", digits=1) == "۳۸٫۱"
    assert format_number(None, "en") == ""
