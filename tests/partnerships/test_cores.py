"""The pure cores: periods and progress, health, lifecycle guards, iCalendar text, upload sniffing, the graph."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from caravan.partnerships import ics, lifecycle, network, periods, uploads
from caravan.partnerships.health import HealthFacts, assess

TODAY = date(2026, 11, 26)


# ---------------------------------------------------------------- periods


def test_current_windows_are_calendar_periods_and_the_term_counts_everything():
    assert periods.current_window("year", TODAY) == periods.Window("2026", date(2026, 1, 1), date(2026, 12, 31))
    assert periods.current_window("month", TODAY) == periods.Window("2026-11", date(2026, 11, 1), date(2026, 11, 30))
    assert periods.current_window("month", date(2024, 2, 10)).end == date(2024, 2, 29)
    assert periods.current_window("term", TODAY) == periods.Window("term", date(1900, 1, 1), date(9999, 12, 31))


def test_windows_run_from_today_back_to_the_start_newest_first():
    years = periods.windows("year", start=date(2023, 5, 1), end=None, today=TODAY)
    assert [w.key for w in years] == ["2026", "2025", "2024", "2023"]
    ended = periods.windows("year", start=date(2020, 5, 1), end=date(2022, 4, 30), today=TODAY)
    assert [w.key for w in ended] == ["2022", "2021", "2020"]
    months = periods.windows("month", start=date(2026, 9, 15), end=None, today=TODAY)
    assert [w.key for w in months] == ["2026-11", "2026-10", "2026-09"]
    assert len(periods.windows("month", start=date(2020, 1, 1), end=None, today=TODAY)) == 12
    assert [w.key for w in periods.windows("month", start=date(2025, 12, 1), end=None, today=date(2026, 1, 3))] == [
        "2026-01", "2025-12"]
    assert [w.key for w in periods.windows("year", start=date(2027, 1, 1), end=None, today=TODAY)] == ["2027"]
    assert [w.key for w in periods.windows("term", start=date(2020, 1, 1), end=None, today=TODAY)] == ["term"]


def test_window_for_key_accepts_only_keys_of_the_period():
    assert periods.window_for_key("year", "2024") == periods.year_window(2024)
    assert periods.window_for_key("month", "2024-02") == periods.month_window(2024, 2)
    assert periods.window_for_key("term", "term") == periods.term_window()
    assert periods.window_for_key("month", "2024-13") is None
    assert periods.window_for_key("year", "2024-02") is None
    assert periods.window_for_key("year", "abcd") is None
    assert periods.window_for_key("term", "2024") is None


def test_the_share_due_counts_only_days_in_force_that_have_passed():
    year = periods.year_window(2026)
    # In force all year, 330 of 365 days passed.
    assert periods.expected_share(year, start=date(2020, 1, 1), end=None, today=TODAY) == 330 / 365
    # Started on 1 October: 57 days in force so far.
    assert periods.expected_share(year, start=date(2026, 10, 1), end=None, today=TODAY) == 57 / 365
    # Ended on 31 March: 90 days.
    assert periods.expected_share(year, start=date(2020, 1, 1), end=date(2026, 3, 31), today=TODAY) == 90 / 365
    # A past year in full.
    assert periods.expected_share(periods.year_window(2025), start=date(2020, 1, 1), end=None, today=TODAY) == 1.0
    # Not yet started.
    assert periods.expected_share(year, start=date(2027, 1, 1), end=None, today=TODAY) == 0.0
    # The whole term: days passed over days of the term; none without an end.
    term = periods.term_window()
    assert periods.expected_share(term, start=date(2026, 1, 1), end=date(2026, 12, 31), today=TODAY) == 330 / 365
    assert periods.expected_share(term, start=date(2026, 1, 1), end=None, today=TODAY) is None


def test_progress_is_behind_only_below_the_rounded_down_share():
    year = periods.year_window(2026)
    p = periods.progress(year, target=12, actual=10, start=date(2020, 1, 1), end=None, today=TODAY)
    assert (round(p.due, 6), p.percent, p.bar, p.behind) == (10.849315, 83, 83, False)  # rounded down: 10
    p = periods.progress(year, target=12, actual=9, start=date(2020, 1, 1), end=None, today=TODAY)
    assert p.behind is True
    early = periods.progress(periods.month_window(2026, 11), target=2, actual=0, start=date(2026, 11, 20), end=None,
                             today=TODAY)
    assert (round(early.due, 4), early.behind) == (round(2 * 7 / 30, 4), False)
    over = periods.progress(year, target=4, actual=9, start=date(2020, 1, 1), end=None, today=TODAY)
    assert (over.percent, over.bar) == (225, 100)
    zero = periods.progress(year, target=0, actual=0, start=date(2020, 1, 1), end=None, today=TODAY)
    assert (zero.percent, zero.behind) == (0, False)
    open_term = periods.progress(periods.term_window(), target=5, actual=0, start=date(2020, 1, 1), end=None,
                                 today=TODAY)
    assert (open_term.due, open_term.behind) == (None, False)


# ---------------------------------------------------------------- health


def facts(**overrides) -> HealthFacts:
    values = {"status": "active", "start": date(2024, 1, 1), "end": date(2028, 1, 1), "activity_in_window": 2.0,
              "commitments_behind": 0}
    values.update(overrides)
    return HealthFacts(**values)


def test_health_of_a_lively_agreement_is_well():
    health = assess(facts(), today=TODAY)
    assert (health.dormant, health.expiring, health.behind, health.days_left, health.well) == (
        False, False, False, 401, True)


def test_dormant_needs_no_activity_in_the_window_after_being_in_force_that_long():
    assert assess(facts(activity_in_window=0), today=TODAY).dormant is True
    assert assess(facts(activity_in_window=0, start=date(2026, 6, 1)), today=TODAY).dormant is False
    assert assess(facts(activity_in_window=0, start=date(2026, 5, 30)), today=TODAY).dormant is True  # 180 days
    assert assess(facts(activity_in_window=0, status="signed"), today=TODAY).dormant is False
    assert assess(facts(activity_in_window=0, start=date(2026, 8, 1)), today=TODAY, dormant_days=90).dormant is True


def test_expiring_within_the_horizon_while_in_force():
    assert assess(facts(end=date(2027, 2, 24)), today=TODAY).expiring is True  # 90 days
    assert assess(facts(end=date(2027, 2, 25)), today=TODAY).expiring is False
    assert assess(facts(end=TODAY), today=TODAY).expiring is True
    assert assess(facts(end=date(2026, 11, 25)), today=TODAY).expiring is False  # already past: the task expires it
    assert assess(facts(end=date(2027, 1, 1), status="signed"), today=TODAY).expiring is True
    assert assess(facts(end=date(2027, 1, 1), status="draft"), today=TODAY).expiring is False
    assert assess(facts(end=None), today=TODAY).days_left is None


def test_behind_only_for_active_agreements():
    assert assess(facts(commitments_behind=1), today=TODAY).behind is True
    assert assess(facts(commitments_behind=1, status="signed"), today=TODAY).behind is False


# ---------------------------------------------------------------- lifecycle


def party(name="A", signatory="Dr A", signed=True) -> lifecycle.PartyFacts:
    return lifecycle.PartyFacts(name=name, signatory_name=signatory, signed=signed)


def life(status="draft", end=date(2028, 1, 1), signed_on=None, parties=None):
    parties = parties if parties is not None else (party("A"), party("B"))
    return lifecycle.LifecycleFacts(status=status, end=end, signed_on=signed_on, parties=tuple(parties))


def messages(found: dict) -> dict:
    return {k: [str(m) for m in v] for k, v in found.items()}


def test_signing_needs_a_past_signature_date():
    assert messages(lifecycle.problems(life(), "signed", today=TODAY)) == {
        "signed_on": ["Enter the date the agreement was signed."]}
    assert messages(lifecycle.problems(life(signed_on=date(2026, 11, 27)), "signed", today=TODAY)) == {
        "signed_on": ["The signature date cannot be in the future."]}
    assert lifecycle.problems(life(signed_on=TODAY), "signed", today=TODAY) == {}


def test_activation_needs_the_date_and_every_signatory_signed():
    found = lifecycle.problems(life(status="signed", parties=(party("A"), party("B", "", False))), "active",
                               today=TODAY)
    assert messages(found) == {
        "signed_on": ["Enter the date the agreement was signed."],
        "parties": ["Name the signatory of every party before activating: B.",
                    "Every party must sign before the agreement becomes active; not signed yet: B."],
    }
    assert lifecycle.problems(life(status="signed", signed_on=TODAY), "active", today=TODAY) == {}
    assert messages(lifecycle.problems(life(status="signed", signed_on=TODAY, end=date(2026, 1, 1)), "active",
                                       today=TODAY)) == {"end": ["The agreement's end date has passed; renew it instead."]}


def test_termination_needs_a_reason_and_closed_agreements_stay_closed():
    assert messages(lifecycle.problems(life(status="active"), "terminated", today=TODAY, reason="  ")) == {
        "termination_reason": ["Give the reason for terminating the agreement."]}
    assert lifecycle.problems(life(status="active"), "terminated", today=TODAY, reason="Funding ended") == {}
    for closed in ("expired", "terminated"):
        assert messages(lifecycle.problems(life(status=closed), "active", today=TODAY)) == {
            "status": ["This change is not possible from the agreement's current status."]}
    assert messages(lifecycle.problems(life(status="active"), "draft", today=TODAY)) == {
        "status": ["This change is not possible from the agreement's current status."]}


def test_expiry_only_past_the_end():
    assert lifecycle.problems(life(status="active", end=date(2026, 11, 25)), "expired", today=TODAY) == {}
    assert messages(lifecycle.problems(life(status="active", end=TODAY), "expired", today=TODAY)) == {
        "end": ["Only an agreement past its end date can expire."]}
    assert messages(lifecycle.problems(life(status="draft", end=date(2020, 1, 1)), "expired", today=TODAY)) == {
        "status": ["This change is not possible from the agreement's current status."]}


# ---------------------------------------------------------------- iCalendar


def test_text_values_are_escaped():
    assert ics.escape_text("a\\b;c,d\r\ne\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_times_are_utc_and_naive_times_refused():
    assert ics.utc_stamp(datetime(2019, 9, 3, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))) == "20190903T013000Z"
    with pytest.raises(ValueError, match="aware"):
        ics.utc_stamp(datetime(2019, 9, 3, 9, 30))  # noqa: DTZ001 - the point of the test


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "بیمارستان امام خمینی ساری " * 4
    folded = ics.fold(line)
    pieces = folded.split("\r\n")
    assert [len(p.encode()) <= 75 for p in pieces] == [True] * len(pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert "".join([pieces[0], *(p[1:] for p in pieces[1:])]) == line
    assert ics.fold("SHORT:x") == "SHORT:x"


def test_a_calendar_with_an_all_day_visit_and_a_timed_stop():
    stamp = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    text = ics.calendar([
        ics.Event(uid="visit-1@caravan", stamp=stamp, summary="Tajik delegation, Sari", start=date(2019, 5, 6),
                  end=date(2019, 5, 8), description="Oncology; urology", url="https://x/v/1"),
        ics.Event(uid="visit-1-stop-2@caravan", stamp=stamp, summary="Oncology ward",
                  start=datetime(2019, 5, 6, 9, 0, tzinfo=ZoneInfo("Asia/Tehran")),
                  end=datetime(2019, 5, 6, 10, 30, tzinfo=ZoneInfo("Asia/Tehran")), location="Imam Khomeini, Sari"),
    ], name="Visits")
    assert text == (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Caravan//Visits//EN\r\nCALSCALE:GREGORIAN\r\n"
        "METHOD:PUBLISH\r\nX-WR-CALNAME:Visits\r\n"
        "BEGIN:VEVENT\r\nUID:visit-1@caravan\r\nDTSTAMP:20261126T120000Z\r\nDTSTART;VALUE=DATE:20190506\r\n"
        "DTEND;VALUE=DATE:20190509\r\nSUMMARY:Tajik delegation\\, Sari\r\nDESCRIPTION:Oncology\\; urology\r\n"
        "URL:https://x/v/1\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:visit-1-stop-2@caravan\r\nDTSTAMP:20261126T120000Z\r\nDTSTART:20190506T043000Z\r\n"
        "DTEND:20190506T060000Z\r\nSUMMARY:Oncology ward\r\nLOCATION:Imam Khomeini\\, Sari\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )


# ---------------------------------------------------------------- uploads


@pytest.mark.parametrize(("head", "kind"), [
    (b"%PDF-1.7\n%\xe2\xe3", uploads.PDF),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", uploads.PNG),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", uploads.JPEG),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", uploads.WEBP),
    (b"<html><script>", None),
    (b"PK\x03\x04 docx", None),
    (b"", None),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
])
def test_sniff_tells_the_kind_from_the_bytes(head, kind):
    assert uploads.sniff(head) == kind


# ---------------------------------------------------------------- the graph


def row(agreement, org, name, country="CN", code="A", status="active"):
    return network.PartyRow(agreement, code, f"Agreement {code}", status, org, name, country)


def test_the_graph_links_pairs_of_small_agreements_and_a_star_for_large_ones():
    rows = [
        row(1, 10, "Shougang", code="TRI"), row(1, 11, "NCC Mongolia", "MN", "TRI"),
        row(1, 12, "NCRC Kazakhstan", "KZ", "TRI"),
        row(2, 20, "Mazandaran", "IR", "MZ-ZW"), row(2, 21, "Zimbabwe", "ZW", "MZ-ZW"),
        *[row(3, 30 + i, f"Member {i}", "VN", "BIG") for i in range(5)],
    ]
    graph = network.build(rows)
    assert graph.agreements == 3
    assert [([a.id for a in e.agreements], e.source, e.target) for e in graph.edges] == [
        ([1], 10, 11), ([1], 10, 12), ([1], 11, 12), ([2], 20, 21), ([3], 30, 31), ([3], 30, 32), ([3], 30, 33),
        ([3], 30, 34),
    ]
    assert graph.countries == ["CN", "IR", "KZ", "MN", "VN", "ZW"]
    assert [(n.id, n.agreements) for n in graph.nodes][:3] == [(10, 1), (20, 1), (12, 1)]


def test_the_graph_draws_one_line_per_pair_with_its_agreements_in_order():
    rows = [
        row(7, 10, "Shougang", code="NEW"), row(7, 11, "NCC Mongolia", "MN", "NEW"),
        row(5, 11, "NCC Mongolia", "MN", "OLD"), row(5, 10, "Shougang", code="OLD"),
        row(6, 10, "Shougang", code="TRI"), row(6, 11, "NCC Mongolia", "MN", "TRI"),
        row(6, 12, "NCRC Kazakhstan", "KZ", "TRI"),
    ]
    graph = network.build(rows)
    assert graph.agreements == 3
    assert [(e.source, e.target, e.count, [a.code for a in e.agreements]) for e in graph.edges] == [
        (10, 11, 3, ["NEW", "OLD", "TRI"]), (10, 12, 1, ["TRI"]), (11, 12, 1, ["TRI"]),
    ]
    assert {n.id: n.agreements for n in graph.nodes} == {10: 3, 11: 3, 12: 1}
