"""Reports, the metric agreements count with, the departures stand-in, centres and studios."""

from datetime import date

import pytest

from caravan.core import metrics
from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.partnerships.models import Agreement
from caravan.registry.models import Department
from caravan.transfer import departures, ledger, reports, services
from caravan.transfer.models import StudioLead

from .conftest import add_cases, ago, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(db):
    return Agreement.objects.create(code="SD-HB-2018", title="Shandong–Haibei aid", start=date(2018, 5, 1))


def transfer(cast, techs, technique, facility=None, *, days_back=60):
    facility = facility or cast.gangcha
    add_cases(facility, technique, [ago(days_back + 100)], performer="visiting", supervision="observed")
    add_cases(facility, technique, run(ago(days_back), technique.cases_for_independence))
    ledger.recompute([(facility.pk, technique.pk)])


def test_techniques_transferred_counts_plans_citing_the_agreement(cast, techs, agreement):
    plan = services.plan_create(by=cast.coordinator, data={
        "title": "P", "mentor": cast.liaocheng, "recipient": cast.gangcha, "agreement": agreement})
    other = services.plan_create(by=cast.coordinator, data={"title": "Q", "mentor": cast.liaocheng,
                                                            "recipient": cast.gangcha})
    for technique in (techs.epidural, techs.cataract, techs.ventilation):
        services.plan_item_add(by=cast.coordinator, plan=plan, technique=technique, phase=1)
    services.plan_item_add(by=cast.coordinator, plan=other, technique=techs.epidural, phase=1)
    transfer(cast, techs, techs.epidural, days_back=60)
    transfer(cast, techs, techs.cataract, days_back=400)
    # Liaocheng does ventilation alone too, but it is not the plan's recipient.
    transfer(cast, techs, techs.ventilation, cast.liaocheng)

    assert metrics.is_provided("techniques_transferred") is True
    recent = metrics.totals("techniques_transferred", agreement_ids=[agreement.pk], start=ago(100), end=ago(0))
    assert recent == {agreement.pk: 1.0}
    whole = metrics.totals("techniques_transferred", agreement_ids=[agreement.pk], start=date(2020, 1, 1),
                           end=ago(0))
    assert whole == {agreement.pk: 2.0}
    activities = metrics.activities("techniques_transferred", agreement_id=agreement.pk, start=date(2020, 1, 1),
                                    end=ago(0))
    assert [(a.day, a.label, a.value) for a in activities] == [
        (ago(58), "Epidural labour analgesia at Gangcha County People's Hospital became independent", 1.0),
        (ago(398), "Cataract surgery at Gangcha County People's Hospital became independent", 1.0),
    ]
    assert activities[0].url.startswith("/transfer/capabilities/")


def test_the_metric_costs_one_query_whatever_the_agreements(cast, techs, agreement, django_assert_num_queries):
    provider = metrics.providers_of("techniques_transferred")[0]
    with django_assert_num_queries(1):
        assert provider.totals(agreement_ids=[agreement.pk, 999], start=date(2020, 1, 1), end=ago(0)) == {}


def test_per_agreement_report_and_cross_level_without_a_region(cast, techs, agreement):
    plan = services.plan_create(by=cast.coordinator, data={
        "title": "P", "mentor": cast.liaocheng, "recipient": cast.gangcha, "agreement": agreement})
    services.plan_item_add(by=cast.coordinator, plan=plan, technique=techs.epidural, phase=1)
    services.plan_item_add(by=cast.coordinator, plan=plan, technique=techs.cataract, phase=1)
    transfer(cast, techs, techs.epidural)
    rows = reports.transferred_per_agreement(user=cast.analyst, filters=reports.TransferredFilters())
    assert [(r["plan__agreement__code"], r["plans"], r["items"], r["transferred"]) for r in rows] == [
        ("SD-HB-2018", 1, 2, 1)]
    later = reports.transferred_per_plan(user=cast.analyst, filters=reports.TransferredFilters(start=ago(10)))
    assert [(r["items"], r["transferred"]) for r in later] == [(2, 0)]
    # Without a region, counts roll up to the provinces (the level below the countries).
    report = reports.cross_level_report(user=cast.analyst, filters=reports.CrossLevelFilters())
    assert [(r.code, n) for r, n in report.by_region] == [("CN-QH", 1)]
    assert reports.cross_level_report(user=cast.analyst, filters=reports.CrossLevelFilters(level=2)).total == 0
    assert reports.cross_level_report(user=cast.analyst,
                                      filters=reports.CrossLevelFilters(specialty="ophthalmology")).total == 0


def test_the_departures_source_can_be_replaced(cast, techs):
    transfer(cast, techs, techs.epidural)

    class Postings:
        def last_departures(self, *, facility_ids):
            return {(cast.gangcha.pk, techs.epidural.specialty_id): ago(30)}

    report = reports.sustainability_report(user=cast.analyst, network=cast.network, as_of=ago(0))
    assert report.rows[0].standing.departed_on == ago(160)
    departures.use(Postings())
    try:
        report = reports.sustainability_report(user=cast.analyst, network=cast.network, as_of=ago(0))
        assert (report.rows[0].standing.departed_on, report.rows[0].standing.performed) == (ago(30), {6: None, 12: None})
    finally:
        departures.use(departures.CaseLogDepartures())


def test_reports_need_a_signed_in_user(cast):
    from django.contrib.auth.models import AnonymousUser

    from caravan.core.errors import NotFound

    with pytest.raises(NotFound):
        reports.cross_level_report(user=AnonymousUser(), filters=reports.CrossLevelFilters())
    with pytest.raises(NotFound):
        reports.sustainability_report(user=cast.outsider, network=cast.network, as_of=ago(0))


# ---------------------------------------------------------------- centres and studios


def test_a_studio_is_handed_from_lead_to_lead(cast, techs):
    department = Department.objects.create(facility=cast.gangcha, name="Anaesthesiology")
    studio = services.studio_create(by=cast.coordinator, data={
        "name": "Studio", "department": department, "founder": cast.doctor_b, "founded_on": date(2020, 1, 1),
        "techniques": [techs.epidural]})
    with pytest.raises(ValidationFailed) as caught:
        services.studio_lead_succeed(by=cast.coordinator, studio=studio, practitioner=cast.doctor_outside,
                                     start=date(2019, 1, 1))
    assert caught.value.fields == {"start": ["The new lead must start after the current lead started (2020-01-01)."]}
    services.studio_lead_succeed(by=cast.coordinator, studio=studio, practitioner=cast.doctor_outside,
                                 start=date(2023, 1, 1))
    assert list(StudioLead.objects.values_list("practitioner__name_latin", "start", "end")) == [
        ("Wang Jianhua", date(2020, 1, 1), date(2022, 12, 31)), ("Maryam Rezaei", date(2023, 1, 1), None),
    ]
    with pytest.raises(ValidationFailed) as caught:
        services.studio_create(by=cast.coordinator, data={"name": "Studio", "department": department,
                                                          "founder": cast.doctor_b, "founded_on": date(2020, 1, 1)})
    assert caught.value.fields == {"name": ["This department already has a studio with this name."]}
    with pytest.raises(PermissionDenied):
        services.studio_update(by=cast.clinician_a, studio=studio, data={"name": "Mine"})
    services.studio_update(by=cast.coordinator, studio=studio, data={"name": "Labour analgesia studio",
                                                                     "techniques": []})
    studio.refresh_from_db()
    assert (studio.name, list(studio.techniques.all())) == ("Labour analgesia studio", [])


def test_centres_refuse_other_facilities_and_future_dates(cast, techs):
    with pytest.raises(PermissionDenied):
        services.centre_create(by=cast.coordinator, data={"name": "C", "facility": cast.sari})
    with pytest.raises(ValidationFailed) as caught:
        services.centre_create(by=cast.coordinator, data={"name": "C", "facility": cast.gangcha,
                                                          "opened_on": date(2999, 1, 1)})
    assert caught.value.fields == {"opened_on": ["The date is in the future."]}
    centre = services.centre_create(by=cast.coordinator, data={"name": "C", "facility": cast.gangcha})
    services.centre_update(by=cast.coordinator, centre=centre, data={"people_served": 120,
                                                                     "served_as_of": date(2024, 1, 1)})
    centre.refresh_from_db()
    assert (centre.people_served, centre.served_as_of) == (120, date(2024, 1, 1))
