"""The pure cores, without a database: zones, codes, de-identification, calendars and counting."""

from datetime import UTC, date, datetime, time

import pytest

from caravan.training import codes, counting, deidentify, ics, zones
from caravan.training.certificates import EXPIRED, REVOKED, VALID, add_months, state_of


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---------------------------------------------------------------- zones


def test_known_zones_include_the_seminar_cities_and_refuse_made_up_names():
    assert [zones.is_known(z) for z in ("Europe/Moscow", "Asia/Almaty", "UTC", "Asia/Astana", "Mars/Olympus", "")] == [
        True, True, True, False, False, False]


def test_a_session_reads_differently_in_moscow_and_almaty():
    times = zones.session_times(at(2020, 7, 20, 7), at(2020, 7, 20, 9), session_zone="Europe/Moscow",
                                viewer_zone="Asia/Almaty")
    assert (times.session.day, times.session.start, times.session.end, times.session.offset) == (
        date(2020, 7, 20), time(10, 0), time(12, 0), "UTC+03:00")
    assert (times.viewer.day, times.viewer.start, times.viewer.end, times.viewer.offset) == (
        date(2020, 7, 20), time(13, 0), time(15, 0), "UTC+06:00")


def test_the_viewer_line_is_left_out_when_both_zones_agree():
    times = zones.session_times(at(2024, 1, 1, 2), at(2024, 1, 1, 3), session_zone="Asia/Shanghai",
                                viewer_zone="Asia/Chongqing")
    assert times.viewer is None


def test_local_day_and_midnight_crossing():
    assert zones.local_day(at(2024, 3, 4, 20), "Asia/Almaty") == date(2024, 3, 5)
    clock = zones.wall_clock(at(2024, 3, 4, 17), at(2024, 3, 4, 19), "Asia/Almaty")
    assert (clock.day, clock.end_day, clock.crosses_midnight) == (date(2024, 3, 4), date(2024, 3, 5), True)


def test_offsets_and_unknown_zones_when_showing():
    assert zones.offset_label(at(2024, 1, 1).astimezone(zones.zone("Asia/Kathmandu"))) == "UTC+05:45"
    assert zones.offset_label(at(2024, 1, 1).astimezone(zones.zone("America/Sao_Paulo"))) == "UTC-03:00"
    assert zones.wall_clock(at(2024, 1, 1, 5), at(2024, 1, 1, 6), "Nowhere/Else").zone == "UTC"
    assert zones.aware(date(2020, 7, 20), time(13), "Asia/Almaty") == at(2020, 7, 20, 7)
    # Kazakhstan moved to one zone, UTC+5, on 1 March 2024: the tz database knows.
    assert zones.aware(date(2024, 3, 5), time(13), "Asia/Almaty") == at(2024, 3, 5, 8)


# ---------------------------------------------------------------- certificate codes


def test_new_codes_use_only_the_unambiguous_alphabet():
    made = {codes.new_code() for _ in range(200)}
    assert len(made) == 200
    assert all(len(c) == 12 and set(c) <= set(codes.ALPHABET) for c in made)
    assert not set("01ILOU") & set(codes.ALPHABET)


@pytest.mark.parametrize(("typed", "stored"), [
    ("7KQM-XR4T-HW9C", "7KQMXR4THW9C"),
    (" 7kqm xr4t hw9c ", "7KQMXR4THW9C"),
    ("7KQM–XR4T–HW9C", "7KQMXR4THW9C"),
    ("7KQM-XR4T-HW9", None),
    ("7KQM-XR4T-HW9O", None),
    ("", None),
    (None, None),
    ("' OR 1=1 --", None),
])
def test_typed_codes_are_read_leniently_and_nonsense_is_none(typed, stored):
    assert codes.normalise(typed) == stored


def test_codes_are_shown_in_groups_of_four():
    assert codes.display("7KQMXR4THW9C") == "7KQM-XR4T-HW9C"


def test_validity_of_a_certificate():
    today = date(2025, 6, 1)
    assert state_of(valid_until=None, revoked=False, today=today) == VALID
    assert state_of(valid_until=date(2025, 6, 1), revoked=False, today=today) == VALID
    assert state_of(valid_until=date(2025, 5, 31), revoked=False, today=today) == EXPIRED
    assert state_of(valid_until=date(2030, 1, 1), revoked=True, today=today) == REVOKED
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 15), 24) == date(2026, 3, 15)


# ---------------------------------------------------------------- de-identification


@pytest.mark.parametrize(("text", "kind", "found"), [
    ("Woman, 54, DOB 12.03.1970, fever", deidentify.DOB, "DOB 12.03.1970"),
    ("Patient born 1975, cough", deidentify.DOB, "born 1975"),
    ("Больная 1975 г.р., кашель", deidentify.DOB, "1975 г.р."),
    ("Дата рождения: 12.03.1975", deidentify.DOB, "Дата рождения: 12.03.1975"),
    ("患者出生日期1975年3月12日", deidentify.DOB, "出生日期1975年3月12日"),
    ("تاریخ تولد ۱۳۵۴/۰۵/۱۲", deidentify.DOB, "تاریخ تولد ۱۳۵۴/۰۵/۱۲"),
    ("ngày sinh 12/03/1975", deidentify.DOB, "ngày sinh 12/03/1975"),
    ("Passport N1234567 seen", deidentify.PASSPORT, "Passport N1234567"),
    ("护照号E12345678", deidentify.PASSPORT, "护照号E12345678"),
    ("паспорт 4509 123456", deidentify.PASSPORT, "паспорт 4509 123456"),
    ("ID card 63222319750312123X", deidentify.ID_NUMBER, "63222319750312123X"),
    ("IIN 750312300123", deidentify.ID_NUMBER, "750312300123"),
    ("MRN: 00123456", deidentify.RECORD, "MRN: 00123456"),
    ("call +7 701 123 45 67", deidentify.PHONE, "+7 701 123 45 67"),
    ("write to a.b@clinic.kz", deidentify.EMAIL, "a.b@clinic.kz"),
])
def test_obvious_identifiers_are_found(text, kind, found):
    assert [(f.kind, f.text) for f in deidentify.findings(text)] == [(kind, found)]


@pytest.mark.parametrize("text", [
    "G2P1, 34 weeks, BP 160/110 mmHg, proteinuria 3+, platelets 98×10^9/L.",
    "Hb 98 g/L on day 3 (2024-03-01); newborn 3,200 g, Apgar 8/9.",
    "Female, 54 years, fever for 5 days; CT: ground-glass opacities. SpO2 91%.",
    "Мужчина 62 лет, ЧДД 28, сатурация 88%.",
    "女，32岁，孕34周，血压160/110 mmHg。",
])
def test_ordinary_clinical_text_passes(text):
    assert deidentify.findings(text) == []


def test_two_identifiers_are_both_reported_in_reading_order():
    found = deidentify.findings("DOB 01.02.1980, passport AB1234567")
    assert [f.kind for f in found] == [deidentify.DOB, deidentify.PASSPORT]


# ---------------------------------------------------------------- calendar files


def test_text_values_are_escaped():
    assert ics.escape_text("a\\b; c, d\ne") == "a\\\\b\\; c\\, d\\ne"


def test_a_calendar_is_crlf_utc_and_folded_without_splitting_characters():
    event = ics.Event(
        uid="training-session-7@caravan", starts_at=at(2020, 7, 20, 7), ends_at=at(2020, 7, 20, 9),
        summary="Онлайн-семинар: COVID-19, ведение пациентов; часть 1",
        description="Для инфекционистов и эпидемиологов Казахстана.\nВремя: 10:00 Москва, 13:00 Астана.",
        location="Zoom", url="https://caravan.example/training/courses/3/", stamp=at(2020, 7, 1),
    )
    text = ics.calendar([event], name="Seminars, 2020", now=at(2020, 7, 1))
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Caravan//Training and seminars//EN\r\n")
    assert text.endswith("END:VEVENT\r\nEND:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "DTSTART:20200720T070000Z" in lines and "DTEND:20200720T090000Z" in lines
    assert "DTSTAMP:20200701T000000Z" in lines
    assert "X-WR-CALNAME:Seminars\\, 2020" in lines
    assert "URL:https://caravan.example/training/courses/3/" in lines
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Онлайн-семинар: COVID-19\\, ведение пациентов\\; часть 1\r\n" in unfolded
    assert ("DESCRIPTION:Для инфекционистов и эпидемиологов Казахстана.\\nВремя: 10:00 Москва\\, 13:00 Астана."
            in unfolded)
    text.encode("utf-8")  # every folded piece is whole UTF-8


def test_a_cancelled_session_says_so_and_naive_times_are_refused():
    event = ics.Event(uid="x", starts_at=at(2024, 1, 1), ends_at=at(2024, 1, 1, 1), summary="s", cancelled=True)
    assert "STATUS:CANCELLED" in ics.calendar([event]).split("\r\n")
    with pytest.raises(ValueError, match="aware"):
        ics.utc_stamp(datetime(2024, 1, 1))  # noqa: DTZ001 - the point of the test


def test_fold_counts_octets():
    pieces = ics.fold("X" * 74 + "ЖЖ")
    assert pieces == ["X" * 74, " ЖЖ"]
    assert ics.fold("short") == ["short"]


# ---------------------------------------------------------------- counting


def _session(agreement, kind, pk, starts, zone="UTC", title="T"):
    return counting.SessionFact(agreement_id=agreement, activity=(kind, pk), title=title, starts_at=starts,
                                time_zone=zone)


def test_a_course_counts_once_per_period_on_its_first_local_day():
    facts = [
        _session(1, "course", 10, at(2024, 3, 4, 20), "Asia/Almaty"),  # 5 March in Almaty
        _session(1, "course", 10, at(2024, 3, 12, 7)),
        _session(1, "series", 10, at(2024, 3, 20, 7)),  # a series with the same id is another activity
        _session(2, "course", 11, at(2024, 2, 29, 20), "UTC"),  # February: outside
        _session(2, "course", 12, at(2024, 2, 29, 20), "Asia/Almaty"),  # 1 March in Almaty: inside
    ]
    held = counting.courses_held(facts, start=date(2024, 3, 1), end=date(2024, 3, 31))
    assert [(h.agreement_id, h.activity, h.day) for h in held] == [
        (1, ("course", 10), date(2024, 3, 5)), (1, ("series", 10), date(2024, 3, 20)),
        (2, ("course", 12), date(2024, 3, 1)),
    ]
    assert counting.totals([1, 2, 3], held) == {1: 2.0, 2: 1.0, 3: 0.0}


def test_people_are_counted_once_per_agreement_under_the_course_that_first_saw_them():
    p = counting.person_key(practitioner_id=5, user_id=9, name_key="x", facility_id=None)
    u = counting.person_key(practitioner_id=None, user_id=9, name_key="x", facility_id=None)
    n = counting.person_key(practitioner_id=None, user_id=None, name_key="li wei", facility_id=3)
    assert (p, u, n) == (("practitioner", 5), ("user", 9), ("name", "li wei", 3))
    facts = [
        counting.TrainingFact(agreement_id=1, course_id=20, course_title="B", person=p, day=date(2024, 3, 9)),
        counting.TrainingFact(agreement_id=1, course_id=10, course_title="A", person=p, day=date(2024, 3, 5)),
        counting.TrainingFact(agreement_id=1, course_id=20, course_title="B", person=n, day=date(2024, 3, 9)),
        counting.TrainingFact(agreement_id=1, course_id=20, course_title="B", person=u, day=date(2024, 4, 9)),
        counting.TrainingFact(agreement_id=2, course_id=30, course_title="C", person=p, day=date(2024, 3, 9)),
    ]
    trained = counting.people_trained(facts, start=date(2024, 3, 1), end=date(2024, 3, 31))
    assert counting.totals([1, 2], trained) == {1: 2.0, 2: 1.0}
    by_course = counting.trained_by_course([t for t in trained if t.agreement_id == 1])
    assert [(c.course_title, c.day, c.people) for c in by_course] == [
        ("B", date(2024, 3, 9), 1), ("A", date(2024, 3, 5), 1)]
