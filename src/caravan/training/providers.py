"""How training counts toward agreements: the "courses_held" and "people_trained" metrics.

A course (or a tele-mentoring series) counts once per period when at least one
of its sessions was held in it; a person counts once per agreement and period
when they attended a held session or completed a course citing the agreement.
Planned and cancelled sessions are not activities that happened.
"""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caravan.core import metrics

from . import counting, fetch


class CoursesHeld:
    def _held(self, agreement_ids: list[int], start: date, end: date) -> list[counting.Held]:
        facts = fetch.session_facts(agreement_ids=agreement_ids, start=start, end=end)
        return counting.courses_held(facts, start=start, end=end)

    def totals(self, *, agreement_ids: list[int], start: date, end: date) -> dict[int, float]:
        return counting.totals(agreement_ids, self._held(agreement_ids, start, end))

    def activities(self, *, agreement_id: int, start: date, end: date) -> list[metrics.Activity]:
        rows = []
        for held in self._held([agreement_id], start, end):
            kind, pk = held.activity
            if kind == "course":
                label = _("Course: %(title)s") % {"title": held.title}
                url = reverse("training:course_detail", args=[pk])
            else:
                label = _("Tele-mentoring series: %(title)s") % {"title": held.title}
                url = reverse("training:series_detail", args=[pk])
            rows.append(metrics.Activity(day=held.day, label=label, value=1.0, url=url))
        return rows


class PeopleTrained:
    def _trained(self, agreement_ids: list[int], start: date, end: date) -> list[counting.Trained]:
        facts = fetch.training_facts(agreement_ids=agreement_ids, start=start, end=end)
        return counting.people_trained(facts, start=start, end=end)

    def totals(self, *, agreement_ids: list[int], start: date, end: date) -> dict[int, float]:
        return counting.totals(agreement_ids, self._trained(agreement_ids, start, end))

    def activities(self, *, agreement_id: int, start: date, end: date) -> list[metrics.Activity]:
        # One line per course, never per person: an agreement's page may be public, its trainees are not.
        return [
            metrics.Activity(
                day=row.day,
                label=ngettext("%(title)s: %(count)s person trained", "%(title)s: %(count)s people trained",
                               row.people) % {"title": row.course_title, "count": row.people},
                value=float(row.people),
                url=reverse("training:course_detail", args=[row.course_id]),
            )
            for row in counting.trained_by_course(self._trained([agreement_id], start, end))
        ]


def register() -> None:
    metrics.register("courses_held", CoursesHeld())
    metrics.register("people_trained", PeopleTrained())
