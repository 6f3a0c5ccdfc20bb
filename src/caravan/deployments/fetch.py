"""Load the composer's input for a batch from the database (a fixed number of queries)."""

from caravan.registry.models import Practitioner

from . import composer
from .models import Batch, Candidate, Need, Posting
from .vocab import MANAGER, role_kind

SENIOR_TITLES = {Practitioner.Title.SENIOR, Practitioner.Title.ASSOCIATE_SENIOR}


def _kind(roles: list[str]) -> str:
    kinds = {role_kind(r) for r in roles}
    return MANAGER if MANAGER in kinds else sorted(kinds)[0] if kinds else "clinician"


def people_of(batch: Batch, *, exclusions=frozenset()) -> list[composer.Person]:
    """Approved candidates of the batch's programme, with where they served before this batch."""
    served: dict[int, set[int]] = {}
    for candidate_id, facility_id in Posting.objects.filter(
        batch__programme_id=batch.programme_id, batch__number__lt=batch.number,
    ).exclude(status=Posting.Status.WITHDRAWN).values_list("candidate_id", "facility_id"):
        served.setdefault(candidate_id, set()).add(facility_id)
    busy = set(Posting.objects.filter(batch=batch).exclude(status=Posting.Status.WITHDRAWN)
               .values_list("candidate_id", flat=True))
    rows = (Candidate.objects.filter(programme_id=batch.programme_id, status=Candidate.Status.APPROVED)
            .exclude(pk__in=busy).select_related("practitioner").prefetch_related("windows").order_by("id"))
    return [
        composer.Person(
            id=c.pk, name=c.practitioner.name_latin or c.practitioner.name, hospital=c.practitioner.organisation_id,
            city=c.city, roles=frozenset(c.roles), kind=_kind(c.roles),
            senior=c.practitioner.title in SENIOR_TITLES,
            languages=frozenset(c.practitioner.languages or ["zh"]),
            windows=tuple((w.start, w.end) for w in c.windows.all()),
            served_at=frozenset(served.get(c.pk, ())),
        )
        for c in rows
    ]


def needs_of(batch: Batch) -> list[composer.Need]:
    rows = list(Need.objects.filter(batch=batch).select_related("facility").order_by("id"))
    outgoing = _outgoing(batch) if any(n.critical for n in rows) else {}
    return [
        composer.Need(id=n.pk, label=n.title, facility=n.facility_id, roles=tuple(n.roles), priority=n.priority,
                      start=batch.start, end=batch.end, language=n.language, facility_label=n.facility.name,
                      handover_until=max((outgoing.get((n.facility_id, r)) for r in n.roles
                                          if (n.facility_id, r) in outgoing), default=None) if n.critical else None)
        for n in rows
    ]


def _outgoing(batch: Batch) -> dict[tuple[int, str], object]:
    """The last day of the previous batch's holders, by (facility, role): whom a critical post's newcomer meets.

    One query, made only when the batch has a critical post."""
    out: dict[tuple[int, str], object] = {}
    for facility_id, role, end in Posting.objects.filter(
        batch__programme_id=batch.programme_id, batch__number=batch.number - 1,
    ).exclude(status=Posting.Status.WITHDRAWN).values_list("facility_id", "role", "end"):
        out[facility_id, role] = max(end, out.get((facility_id, role), end))
    return out


def rules_of(batch: Batch, *, pins=(), exclusions=frozenset(), time_limit: float = 10.0) -> composer.Rules:
    p = batch.programme
    kind_min = tuple((k, n) for k, n in (("manager", p.min_managers), ("technician", p.min_technicians)) if n)
    return composer.Rules(
        team_min=p.team_min, team_max=p.team_max, min_senior=p.min_senior, max_per_hospital=p.max_per_hospital,
        kind_min=kind_min, pins=tuple(pins), exclusions=frozenset(exclusions), time_limit=time_limit,
        handover_days=p.handover_days,
    )


def compose_batch(batch: Batch, *, pins=(), exclusions=frozenset(), time_limit: float = 10.0):
    """(people, needs, proposal) for a batch: the composer on what the database holds now."""
    people = people_of(batch)
    needs = needs_of(batch)
    proposal = composer.compose(people, needs, rules_of(batch, pins=pins, exclusions=exclusions,
                                                        time_limit=time_limit))
    return people, needs, proposal
