"""Who sees which agreement, and what the lists, fulfilment, health and network say, in how many queries."""

from datetime import date

import pytest

from caravan.core.errors import NotFound
from caravan.partnerships import selectors, services, visit_services
from caravan.partnerships.models import Agreement
from caravan.registry.models import Facility

from .conftest import TODAY, agreement_data, party, visit_data


def codes(qs) -> list[str]:
    return sorted(qs.values_list("code", flat=True))


def test_party_members_see_private_agreements_everyone_signed_in_sees_public_ones(cast, agreement, public_agreement):
    expected = {
        cast.node_admin: ["MZ-GC-2024", "SD-HB-2018"],
        cast.coordinator: ["MZ-GC-2024", "SD-HB-2018"],
        cast.admin_a: ["MZ-GC-2024", "SD-HB-2018"],
        cast.analyst: ["MZ-GC-2024", "SD-HB-2018"],  # a member of the Haibei commission, a party
        cast.clinician_a: ["MZ-GC-2024"],  # Gangcha's hospital sits below Haibei, not above it
        cast.consultant_b: ["MZ-GC-2024"],
        cast.outsider: ["MZ-GC-2024"],
    }
    assert {user: codes(selectors.visible_agreements(user)) for user in expected} == expected
    assert codes(selectors.visible_agreements(None)) == []


def test_coordinators_and_administrators_of_a_party_edit(cast, agreement, public_agreement):
    expected = {
        cast.node_admin: ["MZ-GC-2024", "SD-HB-2018"],
        # Haibei's coordinator and admin also edit for Gangcha's hospital, which sits below Haibei.
        cast.coordinator: ["MZ-GC-2024", "SD-HB-2018"],
        cast.admin_a: ["MZ-GC-2024", "SD-HB-2018"],
        cast.analyst: [],
        cast.clinician_a: [],
        cast.outsider: ["MZ-GC-2024"],
    }
    assert {user: codes(selectors.editable_agreements(user)) for user in expected} == expected


def test_a_hidden_agreement_is_not_found_like_a_missing_one(cast, agreement):
    assert selectors.agreement_get_for_user(user=cast.analyst, pk=agreement.pk).pk == agreement.pk
    for pk in (agreement.pk, 99999):
        with pytest.raises(NotFound):
            selectors.agreement_get_for_user(user=cast.outsider, pk=pk)


def test_filters(cast, agreement, public_agreement):
    F = selectors.AgreementFilters
    user = cast.node_admin
    assert codes(selectors.agreement_list_for_user(user=user, filters=F(q="haibei"))) == ["SD-HB-2018"]
    assert codes(selectors.agreement_list_for_user(user=user, filters=F(q="鲁海"))) == ["SD-HB-2018"]
    assert codes(selectors.agreement_list_for_user(user=user, filters=F(q="gangcha"))) == ["MZ-GC-2024"]
    assert codes(selectors.agreement_list_for_user(user=user, filters=F(scope="research"))) == ["MZ-GC-2024"]
    assert codes(selectors.agreement_list_for_user(user=user, filters=F(kind="twinning"))) == ["MZ-GC-2024"]
    assert codes(selectors.agreement_list_for_user(user=user, filters=F(status="draft"))) == [
        "MZ-GC-2024", "SD-HB-2018"]
    assert codes(selectors.agreement_list_for_user(user=user, filters=F(organisation=cast.shandong.pk))) == [
        "SD-HB-2018"]
    Agreement.objects.filter(pk=public_agreement.pk).update(status="active", end=date(2027, 1, 31))
    expiring = selectors.agreement_list_for_user(user=user, filters=F(expiring=True), today=TODAY)
    assert codes(expiring) == ["MZ-GC-2024"]


def test_the_country_filter_follows_the_parties_countries(cast, agreement, public_agreement):
    cast.mazandaran.country = cast.iran
    cast.mazandaran.save()
    F = selectors.AgreementFilters
    assert codes(selectors.agreement_list_for_user(user=cast.node_admin, filters=F(country=cast.iran.pk))) == [
        "MZ-GC-2024"]
    assert codes(selectors.agreement_list_for_user(user=cast.node_admin, filters=F(country=cast.china.pk))) == []


def make_many(cast, n: int) -> None:
    for i in range(n):
        services.agreement_create(by=cast.node_admin, data=agreement_data(
            cast, code=f"BULK-{i:02d}", commitments=[{"metric": "visits", "target": 2, "period": "year"},
                                                     {"metric": "people_trained", "target": 10, "period": "term"}]))


@pytest.mark.parametrize("rows", [2, 12])
def test_a_page_of_agreements_with_progress_and_health_costs_the_same_queries_whatever_its_size(
        cast, rows, django_assert_num_queries):
    make_many(cast, rows)
    user = cast.coordinator
    selectors.visible_agreements(user)  # the user's memberships are loaded once per request
    # The page; parties with organisations and countries; scopes; commitments;
    # visits this year (current progress); visits in the last 180 days (dormancy).
    with django_assert_num_queries(6):
        page = list(selectors.agreement_list_for_user(user=user, today=TODAY)[:25])
        result = selectors.agreement_rows(page, today=TODAY)
    assert len(result) == rows
    first = result[0]
    assert [(c.metric, p.actual if p else None) for c, p in first.progress] == [("visits", 0.0),
                                                                                ("people_trained", None)]


def test_fulfilment_counts_held_visits_citing_the_agreement(cast, agreement, frozen_today):
    Agreement.objects.filter(pk=agreement.pk).update(status="active")
    for title, start, status in [("June visit", date(2026, 6, 2), "held"), ("March visit", date(2026, 3, 10), "held"),
                                 ("Planned visit", date(2026, 12, 10), "planned"),
                                 ("Last year", date(2025, 9, 1), "held"), ("Cancelled", date(2026, 4, 1), "cancelled")]:
        visit_services.visit_create(by=cast.coordinator, data=visit_data(
            cast, agreement, title=title, start=start, end=start, status=status))
    visit_services.visit_create(by=cast.coordinator, data=visit_data(cast, None, title="No agreement"))
    agreement = selectors.agreement_get_for_user(user=cast.coordinator, pk=agreement.pk)
    reports = selectors.agreement_fulfilment(agreement=agreement, today=TODAY)
    (report,) = reports
    assert [(p.window.key, p.actual, p.behind) for p in report.history[:3]] == [
        ("2026", 2.0, True), ("2025", 1.0, True), ("2024", 0.0, True)]
    assert [a.label for a in report.activities] == ["Visit: June visit", "Visit: March visit"]
    chosen = selectors.agreement_fulfilment(agreement=agreement, today=TODAY,
                                            commitment_id=report.commitment.pk, period_key="2025")[0]
    assert (chosen.selected.key, [a.label for a in chosen.activities]) == ("2025", ["Visit: Last year"])
    row = selectors.agreement_rows([agreement], today=TODAY)[0]
    assert (row.health.behind, row.health.dormant) == (True, False)


def test_an_agreement_without_activity_for_180_days_is_dormant(cast, agreement):
    Agreement.objects.filter(pk=agreement.pk).update(status="active")
    agreement = selectors.agreement_get_for_user(user=cast.coordinator, pk=agreement.pk)
    visit_services.visit_create(by=cast.coordinator, data=visit_data(
        cast, agreement, start=date(2026, 5, 1), end=date(2026, 5, 2)))
    assert selectors.agreement_health(agreement=agreement, today=date(2026, 10, 28)).dormant is False
    assert selectors.agreement_health(agreement=agreement, today=date(2026, 10, 29)).dormant is True


def test_the_dormancy_window_is_a_setting(cast, agreement, settings):
    Agreement.objects.filter(pk=agreement.pk).update(status="active")
    agreement = selectors.agreement_get_for_user(user=cast.coordinator, pk=agreement.pk)
    visit_services.visit_create(by=cast.coordinator, data=visit_data(
        cast, agreement, start=date(2026, 5, 1), end=date(2026, 5, 2)))
    settings.CARAVAN_DORMANT_DAYS = 30
    assert selectors.agreement_health(agreement=agreement, today=date(2026, 6, 1)).dormant is True


def test_the_network_graph(cast, agreement, public_agreement, django_assert_num_queries):
    services.agreement_create(by=cast.node_admin, data=agreement_data(
        cast, code="TRI", parties=[party(cast.haibei), party(cast.shandong), party(cast.mazandaran)],
        scopes=["research"]))
    selectors.visible_agreements(cast.coordinator)
    with django_assert_num_queries(2):
        graph = selectors.network_graph(user=cast.coordinator)
    assert graph.agreements == 3
    # One line per pair: Haibei and Shandong are linked by two agreements (same start: by code).
    assert sorted((e.source, e.target, [a.code for a in e.agreements]) for e in graph.edges) == sorted([
        (cast.mazandaran.pk, cast.gangcha_org.pk, ["MZ-GC-2024"]),
        (cast.haibei.pk, cast.shandong.pk, ["SD-HB-2018", "TRI"]),
        (cast.haibei.pk, cast.mazandaran.pk, ["TRI"]), (cast.shandong.pk, cast.mazandaran.pk, ["TRI"]),
    ])
    assert codes(selectors.visible_agreements(cast.outsider)) == ["MZ-GC-2024", "TRI"]
    outsider = selectors.network_graph(user=cast.clinician_a)
    assert sorted({a.code for e in outsider.edges for a in e.agreements}) == ["MZ-GC-2024"]
    research = selectors.network_graph(user=cast.node_admin, filters=selectors.AgreementFilters(scope="research"))
    assert sorted({a.code for e in research.edges for a in e.agreements}) == ["MZ-GC-2024", "TRI"]
    capped = selectors.network_graph(user=cast.node_admin, limit=1)
    assert (capped.agreements, [a.code for e in capped.edges for a in e.agreements]) == (1, ["MZ-GC-2024"])
    drafts = selectors.network_graph(user=cast.node_admin, filters=selectors.AgreementFilters(status="active"))
    assert drafts.edges == []


def test_a_province_holds_the_organisations_running_facilities_there_and_those_wholly_above_them(cast):
    qinghai = sorted([cast.gangcha_org.pk, cast.liaocheng_org.pk, cast.haibei.pk, cast.shandong.pk])
    assert selectors.organisations_in_region(cast.qinghai.pk) == qinghai
    assert selectors.organisations_in_region(cast.haibei_region.pk) == sorted([cast.gangcha_org.pk, cast.haibei.pk])
    assert selectors.organisations_in_region(cast.mazandaran_region.pk) == [cast.mazandaran.pk]
    assert selectors.organisations_in_region(999_999) == []
    # Once Liaocheng's hospital also runs a clinic in Mazandaran, Shandong above it belongs to neither province.
    Facility.objects.create(code="IR-MZ-LC", name="Liaocheng clinic in Sari", organisation=cast.liaocheng_org,
                            region=cast.mazandaran_region, level=3)
    assert selectors.organisations_in_region(cast.qinghai.pk) == sorted(
        [cast.gangcha_org.pk, cast.liaocheng_org.pk, cast.haibei.pk])
    assert selectors.organisations_in_region(cast.mazandaran_region.pk) == sorted(
        [cast.mazandaran.pk, cast.liaocheng_org.pk])


@pytest.mark.parametrize("extra", [0, 6])
def test_the_network_of_a_province_costs_the_same_queries_whatever_the_rows(cast, agreement, public_agreement,
                                                                            django_assert_num_queries, extra):
    for i in range(extra):
        services.agreement_create(by=cast.node_admin, data=agreement_data(
            cast, code=f"EXTRA-{i}", parties=[party(cast.gangcha_org), party(cast.liaocheng_org)]))
    selectors.visible_agreements(cast.coordinator)
    filters = selectors.AgreementFilters(region=cast.mazandaran_region.pk)
    with django_assert_num_queries(4):  # region, its organisations, the agreements, their parties
        graph = selectors.network_graph(user=cast.coordinator, filters=filters)
    assert [a.code for e in graph.edges for a in e.agreements] == ["MZ-GC-2024"]
    filters = selectors.AgreementFilters(region=cast.qinghai.pk)
    with django_assert_num_queries(5):  # and whether the organisations above run facilities elsewhere
        graph = selectors.network_graph(user=cast.coordinator, filters=filters)
    assert graph.agreements == 2 + extra
    assert len(graph.edges) == 2 + (1 if extra else 0)
