"""Visits as iCalendar events: the visit over its days, and each stop of its itinerary at its time."""

from django.urls import reverse

from . import ics
from .models import Visit


def _place(stop) -> str:
    parts = [stop.facility.name if stop.facility_id else "", stop.department.name if stop.department_id else "",
             stop.place]
    return ", ".join(p for p in parts if p)


def events_for(visits: list[Visit], *, host: str, base_url: str) -> list[ics.Event]:
    """Events for visits whose parties and stops (with facility and department) are prefetched."""
    events = []
    for visit in visits:
        url = base_url + reverse("partnerships:visit_detail", args=[visit.pk])
        sides = [p.organisation.name for p in visit.parties.all()]
        events.append(ics.Event(
            uid=f"visit-{visit.pk}@{host}", stamp=visit.updated_at, summary=visit.title, start=visit.start,
            end=visit.end, description="\n".join(filter(None, [visit.purpose, "; ".join(sides)])), url=url,
        ))
        events.extend(
            ics.Event(
                uid=f"visit-{visit.pk}-stop-{stop.pk}@{host}", stamp=visit.updated_at,
                summary=f"{visit.title}: {stop.topic}", start=stop.starts_at, end=stop.ends_at,
                description=stop.host_person, location=_place(stop), url=url,
            )
            for stop in visit.stops.all()
        )
    return events
