"""Visits: recorded whole or refused whole, scoped to their parties, counted toward their agreement."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from caravan.core.errors import NotFound, PermissionDenied, ValidationFailed
from caravan.core.models import AuditEvent
from caravan.partnerships import visit_selectors, visit_services
from caravan.partnerships.models import Visit, VisitStop
from caravan.partnerships.providers import VisitsHeld
from caravan.registry.models import Department
from tests.helpers import audit_count

from .conftest import visit_data

SHANGHAI = ZoneInfo("Asia/Shanghai")


def stop(facility, hour=9, **extra) -> dict:
    return {"starts_at": datetime(2026, 6, 2, hour, 0, tzinfo=SHANGHAI), "facility": facility, "topic": "Ward round",
            **extra}


def test_a_visit_is_recorded_with_itinerary_participants_and_outcome(cast, agreement):
    department = Department.objects.create(facility=cast.gangcha, name="Obstetrics")
    visit = visit_services.visit_create(by=cast.coordinator, data=visit_data(
        cast, agreement,
        stops=[stop(cast.gangcha, 9, department=department, host_person="Dr Ma", topic_local="产科"),
               stop(None, 14, place="Plateau health-check centre", topic="Health checks")],
        participants=[{"name": "Dr Li", "position": "Team leader", "organisation": cast.shandong, "side": "visiting"}],
        outcomes=[{"kind": "plan_agreed", "description": "Labour analgesia plan"}],
    ))
    visit = visit_selectors.visit_get_for_user(user=cast.coordinator, pk=visit.pk)
    assert [(s.starts_at, s.facility_id, s.department_id, s.place) for s in visit.stops.all()] == [
        (datetime(2026, 6, 2, 1, 0, tzinfo=ZoneInfo("UTC")), cast.gangcha.pk, department.pk, ""),
        (datetime(2026, 6, 2, 6, 0, tzinfo=ZoneInfo("UTC")), None, None, "Plateau health-check centre"),
    ]
    assert [(p.organisation_id, p.side) for p in visit.parties.all()] == [
        (cast.haibei.pk, "host"), (cast.shandong.pk, "visiting")]
    assert [p.name for p in visit.participants.all()] == ["Dr Li"]
    assert [o.kind for o in visit.outcomes.all()] == ["plan_agreed"]
    event = AuditEvent.objects.get(object_type="partnerships.visit")
    assert (event.action, event.organisation_id, event.changes["hosts"]) == ("create", cast.haibei.pk,
                                                                            [None, [cast.haibei.pk]])


BAD = [
    ("last day before first", {"end": date(2026, 6, 1)}, {"end": ["The last day must be on or after the first day."]}),
    ("no visitors", {"visiting": []}, {"visiting": ["Name at least one visiting organisation."]}),
    ("no hosts", {"visiting": "haibei", "hosts": []}, {"hosts": ["Name at least one host organisation."]}),
    ("both sides", {"visiting": "haibei"}, {"hosts": ["Haibei Health Commission cannot be both visiting and hosting."]}),
    ("unknown zone", {"time_zone": "Mars/Olympus"}, {"time_zone": ["Unknown time zone: Mars/Olympus."]}),
    ("unknown language", {"language": "tlh"}, {"language": ["Choose the visitors' language from the list."]}),
    ("stop outside the days", {"stops": "outside"}, {"stops.starts_at": ["The stop must fall within the days of the visit."]}),
    ("stop without a place", {"stops": "nowhere"}, {"stops.place": ["Choose the facility or name the place of the stop."]}),
    ("department elsewhere", {"stops": "elsewhere"},
     {"stops.department": ["The department is not part of the chosen facility."]}),
    ("signed without the agreement", {"outcomes": [{"kind": "agreement_signed"}]},
     {"outcomes.agreement": ["Name the agreement that was signed or renewed."]}),
    ("participant without a name", {"participants": [{"name": " "}]},
     {"participants.name": ["Enter the participant's name."]}),
]


@pytest.mark.parametrize(("case", "overrides", "expected"), BAD, ids=[b[0] for b in BAD])
def test_bad_visits_are_refused_with_their_own_message(cast, agreement, case, overrides, expected):
    if overrides.get("visiting") == "haibei":
        overrides["visiting"] = [cast.haibei]
    if overrides.get("stops") == "outside":
        overrides["stops"] = [{**stop(cast.gangcha), "starts_at": datetime(2026, 6, 5, 9, 0, tzinfo=SHANGHAI)}]
    elif overrides.get("stops") == "nowhere":
        overrides["stops"] = [stop(None)]
    elif overrides.get("stops") == "elsewhere":
        elsewhere = Department.objects.create(facility=cast.liaocheng, name="Cardiology")
        overrides["stops"] = [stop(cast.gangcha, department=elsewhere)]
    before = audit_count()
    with pytest.raises(ValidationFailed) as exc:
        visit_services.visit_create(by=cast.coordinator, data=visit_data(cast, agreement, **overrides))
    assert exc.value.fields == expected
    assert (Visit.objects.count(), VisitStop.objects.count(), audit_count()) == (0, 0, before)


def test_a_stop_late_in_the_local_evening_is_on_the_local_day(cast, agreement):
    # 23:30 in Shanghai on the last day is 15:30 UTC the same day; 07:30 on the first day is the previous UTC day.
    visit = visit_services.visit_create(by=cast.coordinator, data=visit_data(cast, agreement, stops=[
        {**stop(cast.gangcha), "starts_at": datetime(2026, 6, 2, 7, 30, tzinfo=SHANGHAI)},
        {**stop(cast.gangcha), "starts_at": datetime(2026, 6, 4, 23, 30, tzinfo=SHANGHAI)},
    ]))
    assert visit.stops.count() == 2


def test_only_coordinators_of_a_side_record_and_change_visits(cast, agreement, visit):
    for user in (None, cast.analyst, cast.clinician_a):
        with pytest.raises(PermissionDenied):
            visit_services.visit_create(by=user, data=visit_data(cast, agreement))
    with pytest.raises(ValidationFailed) as exc:
        visit_services.visit_create(by=cast.outsider, data=visit_data(cast, None))
    assert exc.value.fields == {"visiting": ["One of the visiting or host organisations must be one you coordinate."]}
    for user in (cast.analyst, cast.outsider, cast.consultant_b):
        with pytest.raises(PermissionDenied):
            visit_services.visit_update(by=user, visit=visit, data={"title": "x"})
        with pytest.raises(PermissionDenied):
            visit_services.visit_stop_add(by=user, visit=visit, data=stop(cast.gangcha))
    visit.refresh_from_db()
    assert (visit.title, visit.stops.count()) == ("Shandong delegation to Haibei", 0)


def test_items_are_added_and_removed_one_by_one(cast, visit):
    added = visit_services.visit_stop_add(by=cast.coordinator, visit=visit, data=stop(cast.gangcha))
    person = visit_services.visit_participant_add(by=cast.coordinator, visit=visit, data={"name": "Dr Zhang"})
    assert (person.side, visit.stops.count()) == ("visiting", 1)
    visit_services.visit_item_remove(by=cast.coordinator, visit=visit, item="stop", pk=added.pk)
    assert visit.stops.count() == 0
    with pytest.raises(NotFound):
        visit_services.visit_item_remove(by=cast.coordinator, visit=visit, item="stop", pk=added.pk)
    with pytest.raises(NotFound):
        visit_services.visit_item_remove(by=cast.coordinator, visit=visit, item="agreement", pk=1)


def test_moving_the_days_may_not_strand_stops(cast, visit):
    visit_services.visit_stop_add(by=cast.coordinator, visit=visit, data=stop(cast.gangcha))
    with pytest.raises(ValidationFailed) as exc:
        visit_services.visit_update(by=cast.coordinator, visit=visit, data={"start": date(2026, 6, 3)})
    assert exc.value.fields == {"start": ["Some stops of the itinerary fall outside these days; move them first."]}


def test_visits_are_seen_by_their_sides_and_by_those_who_see_the_agreement(cast, agreement, public_agreement, visit):
    on_public = visit_services.visit_create(by=cast.node_admin, data=visit_data(
        cast, public_agreement, title="Sari to Gangcha", visiting=[cast.mazandaran], hosts=[cast.gangcha_org]))
    seen = {user: sorted(visit_selectors.visible_visits(user).values_list("title", flat=True))
            for user in (cast.coordinator, cast.analyst, cast.consultant_b, cast.clinician_a, cast.outsider)}
    assert seen == {
        cast.coordinator: ["Sari to Gangcha", "Shandong delegation to Haibei"],
        cast.analyst: ["Sari to Gangcha", "Shandong delegation to Haibei"],
        cast.consultant_b: ["Sari to Gangcha"],
        cast.clinician_a: ["Sari to Gangcha"],
        cast.outsider: ["Sari to Gangcha"],
    }
    with pytest.raises(NotFound):
        visit_selectors.visit_get_for_user(user=cast.outsider, pk=visit.pk)
    assert visit_selectors.visit_editable_by(user=cast.outsider, visit=on_public) is True
    assert visit_selectors.visit_editable_by(user=cast.clinician_a, visit=on_public) is False


def test_the_visits_provider_counts_held_visits_on_their_first_day(cast, agreement, django_assert_num_queries):
    for start, status in [(date(2026, 1, 1), "held"), (date(2026, 12, 31), "held"), (date(2027, 1, 1), "held"),
                          (date(2026, 5, 5), "planned")]:
        visit_services.visit_create(by=cast.coordinator, data=visit_data(cast, agreement, start=start, end=start,
                                                                          status=status))
    provider = VisitsHeld()
    with django_assert_num_queries(1):
        totals = provider.totals(agreement_ids=[agreement.pk, 999], start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert totals == {agreement.pk: 2.0}
    activities = provider.activities(agreement_id=agreement.pk, start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert [(a.day, a.value) for a in activities] == [(date(2026, 12, 31), 1.0), (date(2026, 1, 1), 1.0)]
