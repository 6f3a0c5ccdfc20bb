"""Writing many practitioners at once (the thousand Lao Cai doctors).

Going through `practitioner_create` one by one would cost a transaction, a
validation and an audit row per person; here the same rows are built and
inserted in a few statements. What the service would guarantee is kept: the
search column is filled with `search_blob` exactly as the service fills it,
and every practitioner and appointment gets its own audit event, shaped like
the ones `audit.record` writes.

(This could move to the registry as `practitioner_import` if an import
feature needs it; it lives here while only the demo uses it.)
"""

from caravan.core import audit
from caravan.core.models import AuditEvent
from caravan.core.text import search_blob
from caravan.registry.models import SPOKEN_LANGUAGE_CODES, Appointment, Practitioner
from caravan.registry.services import PRACTITIONER_FIELDS

from .spec import PersonSpec

BATCH = 500
APPOINTMENT_FIELDS = ["practitioner", "facility", "department", "position", "start", "end"]


def _event(*, by, obj, organisation, fields) -> AuditEvent:
    return AuditEvent(
        actor=by, actor_label=by.get_username()[:150], action=audit.Action.CREATE,
        object_type=obj._meta.label_lower, object_id=str(obj.pk), object_repr=str(obj)[:255],
        organisation=organisation, changes=audit.diff({}, audit.snapshot(obj, fields)),
    )


def create_people(*, by, specs: list[PersonSpec], orgs: dict, facilities: dict, specialties: dict
                  ) -> list[Practitioner]:
    """Insert practitioners with their specialties and appointments, and one audit event for each row."""
    for spec in specs:
        unknown = set(spec.languages) - SPOKEN_LANGUAGE_CODES
        if unknown:
            raise ValueError(f"{spec.name_latin}: unknown language codes {sorted(unknown)}")
    people = [
        Practitioner(
            name=s.name, name_latin=s.name_latin, sex=s.sex, profession=s.profession, title=s.title,
            organisation=orgs[s.organisation], languages=list(s.languages), qualifications=s.qualifications,
            search_text=search_blob(s.name, s.name_latin),
        )
        for s in specs
    ]
    Practitioner.objects.bulk_create(people, batch_size=BATCH)

    links = Practitioner.specialties.through
    link_rows = [
        links(practitioner_id=p.pk, specialty_id=specialties[code].pk)
        for p, s in zip(people, specs, strict=True) for code in s.specialties
    ]
    links.objects.bulk_create(link_rows, batch_size=BATCH)

    posts = [
        Appointment(practitioner=p, facility=facilities[a.facility], position=a.position, start=a.start, end=a.end)
        for p, s in zip(people, specs, strict=True) for a in s.appointments
    ]
    Appointment.objects.bulk_create(posts, batch_size=BATCH)

    events = []
    for p, s in zip(people, specs, strict=True):
        event = _event(by=by, obj=p, organisation=p.organisation, fields=PRACTITIONER_FIELDS)
        event.changes["specialties"] = [None, sorted(s.specialties)]
        events.append(event)
    events += [_event(by=by, obj=a, organisation=a.facility.organisation, fields=APPOINTMENT_FIELDS) for a in posts]
    AuditEvent.objects.bulk_create(events, batch_size=BATCH)
    return people
