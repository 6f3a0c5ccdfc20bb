"""Services: what they write, what they audit, what they refuse."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.core.models import AuditEvent
from caravan.deployments import emergency_services, fetch, inspection_services, services
from caravan.deployments.composer import Pin
from caravan.deployments.models import (
    AffectedRegion,
    Candidate,
    DailyReport,
    Emergency,
    Need,
    Posting,
    PressureUpdate,
    TeamMember,
)
from tests.helpers import audit_count

from .conftest import practitioner


def refused(exc, field):
    return exc.value.fields.get(field)


# ---------------------------------------------------------------- needs and the pool


def test_need_create_writes_and_audits(cast, aid):
    before = audit_count()
    need = services.need_create(by=cast.coordinator, batch=aid.batch, facility=cast.gangcha, title="Director",
                                kind="post", roles=["hospital_director"], qualification="Senior title", priority=5)
    assert (need.kind, need.roles, need.priority) == ("post", ["hospital_director"], 5)
    assert audit_count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.actor, event.object_id, event.organisation) == (cast.coordinator, str(need.pk), cast.haibei)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"roles": []}, "roles", "Name at least one role."),
    ({"roles": ["astronaut"]}, "roles", "Unknown role: astronaut."),
    ({"title": "  "}, "title", "Give the need a title."),
    ({"priority": 9}, "priority", "Priority goes from 1 (low) to 5 (high)."),
    ({"kind": "post", "roles": ["hospital_director"]}, "qualification", "A post needs the qualification it requires."),
    ({"kind": "post", "roles": ["hospital_director", "vice_director"], "qualification": "x"}, "roles",
     "A post is held by one person: name exactly one role."),
])
def test_need_bad_input_is_refused_naming_the_field(cast, aid, changes, field, message):
    data = {"title": "Eye", "roles": ["ophthalmologist"], "priority": 3, "kind": "service"} | changes
    before = (Need.objects.count(), audit_count())
    with pytest.raises(ValidationFailed) as exc:
        services.need_create(by=cast.coordinator, batch=aid.batch, facility=cast.gangcha, **data)
    assert refused(exc, field) == [message]
    assert (Need.objects.count(), audit_count()) == before


def test_only_the_programme_coordinators_write(cast, aid):
    before = (Need.objects.count(), audit_count())
    for user in (cast.consultant_b, cast.clinician_a, cast.analyst, cast.outsider):
        with pytest.raises(PermissionDenied):
            services.need_create(by=user, batch=aid.batch, facility=cast.gangcha, title="Eye",
                                 roles=["ophthalmologist"])
    assert (Need.objects.count(), audit_count()) == before


def test_an_availability_window_that_ends_before_it_starts_is_refused(cast, aid):
    person = practitioner(cast.liaocheng_org, "Ma Li")
    with pytest.raises(ValidationFailed) as exc:
        services.candidate_create(by=cast.coordinator, programme=aid.programme, practitioner=person,
                                  roles=["surgeon"], city="Liaocheng",
                                  windows=[(date(2026, 5, 1), date(2026, 4, 1))])
    assert refused(exc, "windows") == ["The end date is before the start date."]
    with pytest.raises(ValidationFailed) as exc:
        services.availability_add(by=cast.coordinator, candidate=aid.cardiologist, start=date(2026, 5, 1),
                                  end=date(2026, 4, 1))
    assert refused(exc, "end") == ["The end date is before the start date."]
    assert not Candidate.objects.filter(practitioner=person).exists()


def test_candidate_joins_the_pool_once(cast, aid):
    with pytest.raises(ValidationFailed) as exc:
        services.candidate_create(by=cast.coordinator, programme=aid.programme,
                                  practitioner=aid.cardiologist.practitioner, roles=["cardiologist"], city="Liaocheng")
    assert refused(exc, "practitioner") == ["This practitioner is already in the pool."]


# ---------------------------------------------------------------- compose, accept, postings


def test_the_batch_proposal_covers_labour_analgesia_with_three_together(cast, aid):
    people, needs, proposal = fetch.compose_batch(aid.batch)
    assert [p.name for p in people] == ["Zhou Defang", "Wang Lipeng", "Zhao Liling", "Sun Ying", "Liang Lijun"]
    assert proposal.status == "optimal"
    assert sorted((a.need, a.role, a.person) for a in proposal.assignments) == sorted([
        (aid.analgesia.pk, "obstetrician", aid.obstetrician.pk), (aid.analgesia.pk, "anaesthetist",
                                                                  aid.anaesthetist.pk),
        (aid.analgesia.pk, "sonographer", aid.sonographer.pk), (aid.cardiology.pk, "cardiologist",
                                                                aid.cardiologist.pk)])


def test_a_pin_of_someone_unavailable_is_refused_with_the_reason(cast, aid):
    _people, _needs, proposal = fetch.compose_batch(aid.batch, pins=[Pin(aid.late_sonographer.pk)])
    assert (proposal.status, proposal.reason) == (
        "infeasible", "Sun Ying cannot fill any need: no matching role, availability or language")
    with pytest.raises(ValidationFailed) as exc:
        services.proposal_accept(by=cast.coordinator, batch=aid.batch, proposal=proposal)
    assert refused(exc, "proposal") == ["There is no team to accept: Sun Ying cannot fill any need: no matching "
                                        "role, availability or language"]
    assert Posting.objects.count() == 0


def test_accept_writes_proposed_postings_and_audits_each(cast, aid):
    _people, _needs, proposal = fetch.compose_batch(aid.batch)
    before = audit_count()
    postings = services.proposal_accept(by=cast.coordinator, batch=aid.batch, proposal=proposal)
    assert sorted((p.candidate_id, p.role, p.status, p.start, p.end) for p in postings) == sorted(
        (c.pk, c.roles[0], "proposed", aid.batch.start, aid.batch.end)
        for c in (aid.obstetrician, aid.anaesthetist, aid.sonographer, aid.cardiologist))
    assert audit_count() == before + 4
    with pytest.raises(ValidationFailed) as exc:
        services.proposal_accept(by=cast.coordinator, batch=aid.batch, proposal=proposal)
    assert refused(exc, "proposal") == ["Some of these people are already posted in this batch."]
    # Those posted are no longer in the pool for this batch.
    assert [p.name for p in fetch.people_of(aid.batch)] == ["Sun Ying"]


def _posting(cast, aid):
    _people, _needs, proposal = fetch.compose_batch(aid.batch)
    postings = services.proposal_accept(by=cast.coordinator, batch=aid.batch, proposal=proposal)
    return next(p for p in postings if p.candidate_id == aid.cardiologist.pk)


def test_posting_lifecycle_and_alumni(cast, aid):
    posting = _posting(cast, aid)
    with pytest.raises(ValidationFailed) as exc:
        services.posting_transition(by=cast.coordinator, posting=posting, status="completed")
    assert refused(exc, "status") == ["A Proposed posting cannot become Completed."]
    for status in ("confirmed", "active"):
        services.posting_transition(by=cast.coordinator, posting=posting, status=status)
    aid.cardiologist.refresh_from_db()
    assert (posting.status, aid.cardiologist.alumni) == ("active", True)
    services.posting_transition(by=cast.coordinator, posting=posting, status="completed")
    with pytest.raises(ValidationFailed):
        services.posting_transition(by=cast.coordinator, posting=posting, status="active")


def test_extension_needs_a_later_end_and_a_reason(cast, aid):
    posting = _posting(cast, aid)
    with pytest.raises(ValidationFailed) as exc:
        services.posting_extend(by=cast.coordinator, posting=posting, new_end=date(2026, 11, 1), reason="x")
    assert refused(exc, "new_end") == ["The new end must be after the current end."]
    with pytest.raises(ValidationFailed) as exc:
        services.posting_extend(by=cast.coordinator, posting=posting, new_end=date(2027, 2, 28), reason=" ")
    assert refused(exc, "reason") == ["Say why the posting is extended."]
    extension = services.posting_extend(by=cast.coordinator, posting=posting, new_end=date(2027, 2, 28),
                                        reason="Hand over the chest-pain centre")
    posting.refresh_from_db()
    assert (posting.end, extension.previous_end) == (date(2027, 2, 28), date(2026, 11, 30))


# ---------------------------------------------------------------- emergencies


@pytest.fixture
def emergency(cast):
    e = Emergency.objects.create(code="e1", event="Outbreak", sending_organisation=cast.shandong,
                                 receiving_organisation=cast.haibei, arrival=date(2020, 7, 6))
    a = AffectedRegion.objects.create(emergency=e, region=cast.haibei_region, skill_minimums={"intensivist": 1})
    b = AffectedRegion.objects.create(emergency=e, region=cast.gangcha_county)
    for i, skill in enumerate(("intensivist", "epidemiologist", "epidemiologist", "epidemiologist")):
        TeamMember.objects.create(emergency=e, practitioner=practitioner(cast.liaocheng_org, f"M{i}"), skill=skill)
    return e, a, b


def test_allocation_follows_pressure_and_moves_few_when_it_changes(cast, emergency):
    e, a, b = emergency
    emergency_services.pressure_record(by=cast.coordinator, affected=a, day=date(2020, 7, 6), cases_per_100k=300,
                                       icu_occupancy=90)
    emergency_services.pressure_record(by=cast.coordinator, affected=b, day=date(2020, 7, 6), cases_per_100k=100,
                                       icu_occupancy=90)
    result = emergency_services.team_allocate(by=cast.coordinator, emergency=e)
    assert (result.counts(), result.moves) == ({a.pk: 3, b.pk: 1}, 0)
    assert TeamMember.objects.get(skill="intensivist").affected == a
    emergency_services.pressure_record(by=cast.coordinator, affected=b, day=date(2020, 7, 13), cases_per_100k=300,
                                       icu_occupancy=90)
    result = emergency_services.team_allocate(by=cast.coordinator, emergency=e)
    assert (result.counts(), result.moves) == ({a.pk: 2, b.pk: 2}, 1)
    assert PressureUpdate.objects.count() == 3


def test_daily_report_refuses_a_future_day_and_negative_counts(cast, emergency):
    e, a, _b = emergency
    counts = {"consultations": 10, "admissions": 2, "procedures": 1, "referrals": 0, "deaths": 0}
    before = audit_count()
    with pytest.raises(ValidationFailed) as exc:
        emergency_services.daily_report_record(by=cast.coordinator, affected=a,
                                               day=timezone.localdate() + timedelta(days=1), **counts)
    assert refused(exc, "day") == ["A daily report cannot be for a future day."]
    with pytest.raises(ValidationFailed) as exc:
        emergency_services.daily_report_record(by=cast.coordinator, affected=a, day=date(2020, 7, 7),
                                               **(counts | {"deaths": -1}))
    assert refused(exc, "deaths") == ["A count cannot be negative."]
    assert (DailyReport.objects.count(), audit_count()) == (0, before)
    with pytest.raises(PermissionDenied):
        emergency_services.daily_report_record(by=cast.outsider, affected=a, day=date(2020, 7, 7), **counts)
    emergency_services.daily_report_record(by=cast.coordinator, affected=a, day=date(2020, 7, 7), **counts)
    assert (DailyReport.objects.count(), audit_count()) == (1, before + 1)


def test_daily_report_breakdown_by_age_band_and_sex(cast, emergency):
    e, a, _b = emergency
    counts = {"consultations": 10, "admissions": 2, "procedures": 1, "referrals": 0, "deaths": 0}
    before = audit_count()
    for breakdown, field, message in (
        ({"f_18to64": 6, "m_65plus": 3}, "by_age_sex",
         "The consultations by age and sex add up to 9, not to the 10 consultations."),
        ({"x_18to64": 10}, "by_age_sex", "Unknown age band or sex: x_18to64."),
        ({"f_18to64": 11, "m_lt1": -1}, "m_lt1", "A count cannot be negative."),
    ):
        with pytest.raises(ValidationFailed) as exc:
            emergency_services.daily_report_record(by=cast.coordinator, affected=a, day=date(2020, 7, 7),
                                                   by_age_sex=breakdown, **counts)
        assert refused(exc, field) == [message]
    assert (DailyReport.objects.count(), audit_count()) == (0, before)
    report = emergency_services.daily_report_record(
        by=cast.coordinator, affected=a, day=date(2020, 7, 7), by_age_sex={"f_18to64": 6, "m_65plus": 4, "m_lt1": 0},
        **counts)
    report.refresh_from_db()
    assert report.by_age_sex == {"f_18to64": 6, "m_65plus": 4}  # zeros dropped
    assert AuditEvent.objects.order_by("-id").first().changes["by_age_sex"] == [None, {"f_18to64": 6, "m_65plus": 4}]
    # Without a breakdown the report is still valid, and says nothing about age and sex.
    plain = emergency_services.daily_report_record(by=cast.coordinator, affected=a, day=date(2020, 7, 8), **counts)
    assert plain.by_age_sex == {}


def test_skill_minimums_the_team_cannot_meet_are_refused(cast, emergency):
    e, a, b = emergency
    b.skill_minimums = {"intensivist": 1}
    b.save()
    with pytest.raises(ValidationFailed) as exc:
        emergency_services.team_allocate(by=cast.coordinator, emergency=e)
    assert refused(exc, "allocation") == ["No allocation is possible: the regions need 2 intensivist in all, the "
                                          "team has 1."]


# ---------------------------------------------------------------- inspections


def test_inspection_closes_only_when_every_action_is_done(cast, aid):
    visit = inspection_services.inspection_create(by=cast.coordinator, programme=aid.programme, facility=cast.gangcha,
                                                  visited_on=date(2026, 3, 1), inspectors="Liaocheng QC group")
    finding = inspection_services.finding_add(by=cast.coordinator, inspection=visit, text="Consent forms",
                                              severity="major")
    with pytest.raises(ValidationFailed) as exc:
        inspection_services.finding_add(by=cast.coordinator, inspection=visit, text="x", severity="grave")
    assert refused(exc, "severity") == ["Choose a severity."]
    with pytest.raises(ValidationFailed) as exc:
        inspection_services.followup_add(by=cast.coordinator, finding=finding, action="Revise", owner="Head",
                                         due=date(2026, 2, 1))
    assert refused(exc, "due") == ["The due date cannot be before the visit."]
    action = inspection_services.followup_add(by=cast.coordinator, finding=finding, action="Revise", owner="Head",
                                              due=date(2026, 4, 1))
    with pytest.raises(ValidationFailed) as exc:
        inspection_services.inspection_close(by=cast.coordinator, inspection=visit, on=date(2026, 4, 2))
    assert refused(exc, "closed_on") == ["Some follow-up actions are still open."]
    inspection_services.followup_done(by=cast.coordinator, followup=action, on=date(2026, 3, 20))
    inspection_services.inspection_close(by=cast.coordinator, inspection=visit, on=date(2026, 4, 2))
    visit.refresh_from_db()
    assert (visit.status, visit.closed_on) == ("closed", date(2026, 4, 2))
    with pytest.raises(PermissionDenied):
        inspection_services.inspection_create(by=cast.consultant_b, programme=aid.programme, facility=cast.gangcha,
                                              visited_on=date(2026, 3, 1), inspectors="x")


def test_a_critical_post_prefers_the_newcomer_who_overlaps_the_outgoing_holder(cast, aid, django_assert_num_queries):
    from caravan.deployments.models import Batch, Posting

    from .conftest import candidate

    outgoing = candidate(aid.programme, cast.liaocheng_org, "Kong Wei", "hospital_director")
    Posting.objects.create(batch=aid.batch, candidate=outgoing, facility=cast.gangcha, role="hospital_director",
                           start=aid.batch.start, end=date(2026, 11, 30), status="active")
    nxt = Batch.objects.create(programme=aid.programme, number=2, start=date(2026, 12, 1), end=date(2027, 11, 30))
    post = services.need_create(by=cast.coordinator, batch=nxt, facility=cast.gangcha, title="Director",
                                roles=["hospital_director"], kind="post", qualification="Senior title",
                                priority=4, critical=True)
    on_time = candidate(aid.programme, cast.liaocheng_org, "An Ping", "hospital_director",
                        window=(date(2026, 12, 1), date(2027, 12, 31)))
    early = candidate(aid.programme, cast.liaocheng_org, "Bai Lu", "hospital_director",
                      window=(date(2026, 11, 10), date(2027, 12, 31)))  # 20 days with the outgoing director
    with django_assert_num_queries(2):  # the needs, and the previous batch's holders (only with a critical post)
        needs = fetch.needs_of(nxt)
    assert [(n.id, n.handover_until) for n in needs] == [(post.pk, date(2026, 11, 30))]
    people, _needs, proposal = fetch.compose_batch(nxt)
    assert [(a.need, a.person) for a in proposal.assignments] == [(post.pk, early.pk)]
    assert (proposal.status, proposal.continuity) == ("optimal", 1)
    # A programme that asks for a month of overlap: neither can give it, and the lower id wins the tie.
    aid.programme.handover_days = 30
    aid.programme.save()
    nxt.refresh_from_db()
    _people, _needs, proposal = fetch.compose_batch(nxt)
    assert ([(a.need, a.person) for a in proposal.assignments], proposal.continuity) == ([(post.pk, on_time.pk)], 0)
    assert min(on_time.pk, early.pk) == on_time.pk
