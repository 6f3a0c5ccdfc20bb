"""Every read of programmes, needs, the pool and postings, already scoped to the user.

A row the user may not see answers NotFound, exactly like a missing one.
"""

from datetime import timedelta

from django.db.models import Count, Prefetch, Q, TextField
from django.db.models.functions import Cast

from caravan.core.access import access_for
from caravan.core.errors import NotFound
from caravan.core.roles import REGISTRY_EDITORS
from caravan.core.text import fold

from .models import (
    Availability,
    Batch,
    Call,
    Candidate,
    Finding,
    FollowUp,
    Inspection,
    Need,
    Nomination,
    Posting,
    Programme,
)
from .scope import host_staff_q, managed_q, sending_side_q

_PROGRAMME = ("sending_organisation", "receiving_organisation", "agreement")


def programme_list_for_user(*, user):
    """The programmes the user manages, with how many batches and postings each has."""
    return (Programme.objects.filter(managed_q(user)).select_related(*_PROGRAMME)
            .annotate(batch_count=Count("batches", distinct=True),
                      posting_count=Count("batches__postings", distinct=True))
            .order_by("name", "id"))


def programme_get_for_user(*, user, pk: int) -> Programme:
    programme = Programme.objects.filter(managed_q(user)).select_related(*_PROGRAMME).filter(pk=pk).first()
    if programme is None:
        raise NotFound()
    return programme


def batch_get_for_user(*, user, pk: int) -> Batch:
    batch = (Batch.objects.filter(managed_q(user, "programme__"))
             .select_related(*(f"programme__{f}" for f in _PROGRAMME)).filter(pk=pk).first())
    if batch is None:
        raise NotFound()
    return batch


def batches_with_postings(*, programme: Programme) -> list[Batch]:
    """Batches 1…N with who served where (three queries whatever the size)."""
    postings = Posting.objects.select_related("candidate__practitioner", "facility").order_by("facility__name", "id")
    return list(programme.batches.order_by("number").prefetch_related(Prefetch("postings", queryset=postings)))


def needs_of(*, batch: Batch):
    return Need.objects.filter(batch=batch).select_related("facility", "department").order_by("-priority", "id")


def candidates_of(*, programme: Programme, status: str = "", role: str = "", city: str = "", q: str = ""):
    """The pool, filtered by status, a role they can fill, sending city and name."""
    rows = (Candidate.objects.filter(programme=programme)
            .select_related("practitioner", "practitioner__organisation")
            .prefetch_related("windows").order_by("practitioner__name_latin", "id"))
    if status:
        rows = rows.filter(status=status)
    if role:
        # Roles are a JSON list; its text holds each code in quotes on SQLite and PostgreSQL alike.
        rows = rows.annotate(roles_text=Cast("roles", TextField())).filter(roles_text__contains=f'"{role}"')
    if city:
        rows = rows.filter(city__iexact=city.strip())
    if q.strip():
        rows = rows.filter(practitioner__search_text__contains=fold(q))
    return rows


def cities_of(*, programme: Programme) -> list[str]:
    return list(Candidate.objects.filter(programme=programme).order_by("city").values_list("city", flat=True)
                .distinct())


def windows_of(*, candidate: Candidate) -> list[Availability]:
    return list(Availability.objects.filter(candidate=candidate).order_by("start", "id"))


def batch_for_call(*, user, pk: int) -> Batch:
    """A batch whose call the user may see: the programme's managers and the sending side's hospitals."""
    batch = (Batch.objects.filter(managed_q(user, "programme__") | sending_side_q(user, "programme__"))
             .select_related(*(f"programme__{f}" for f in _PROGRAMME)).filter(pk=pk).first())
    if batch is None:
        raise NotFound()
    return batch


def call_of(*, batch: Batch) -> Call | None:
    return Call.objects.filter(batch=batch).first()


def nominations_of(*, call: Call, user, manager: bool):
    """The call's nominations: all of them for a manager, a hospital's own for the hospital."""
    rows = (Nomination.objects.filter(call=call)
            .select_related("candidate__practitioner__organisation").order_by("nominated_on", "id"))
    if not manager:
        rows = rows.filter(access_for(user).organisations_q(REGISTRY_EDITORS, "candidate__practitioner__organisation__"))
    return rows


def nominable_of(*, call: Call, user, manager: bool):
    """Pool candidates the user may put forward under the call and who are not nominated under it yet."""
    rows = (Candidate.objects.filter(programme_id=call.batch.programme_id).exclude(nominations__call=call)
            .select_related("practitioner").order_by("practitioner__name_latin", "id"))
    if not manager:
        rows = rows.filter(access_for(user).organisations_q(REGISTRY_EDITORS, "practitioner__organisation__"))
    return rows


def inspections_of(*, programme: Programme):
    return (Inspection.objects.filter(programme=programme).select_related("facility", "department")
            .annotate(finding_count=Count("findings", distinct=True),
                      open_actions=Count("findings__actions", filter=Q(findings__actions__done_on__isnull=True),
                                         distinct=True))
            .order_by("-visited_on", "id"))


def findings_of(*, inspection: Inspection) -> list[Finding]:
    return list(Finding.objects.filter(inspection=inspection).prefetch_related("actions").order_by("id"))


def candidate_get_for_user(*, user, pk: int) -> Candidate:
    candidate = (Candidate.objects.filter(managed_q(user, "programme__"))
                 .select_related("practitioner", *(f"programme__{f}" for f in _PROGRAMME)).filter(pk=pk).first())
    if candidate is None:
        raise NotFound()
    return candidate


def posting_list_for_user(*, user):
    """Postings of the programmes the user manages, and those at the facilities where the user works."""
    return (Posting.objects.filter(managed_q(user, "batch__programme__") | host_staff_q(user))
            .select_related("candidate__practitioner", "facility", "batch__programme")
            .order_by("-batch__start", "facility__name", "id"))


def posting_get_for_user(*, user, pk: int) -> Posting:
    posting = (Posting.objects.filter(managed_q(user, "batch__programme__") | host_staff_q(user))
               .select_related("candidate__practitioner", "facility", "need",
                               *(f"batch__programme__{f}" for f in _PROGRAMME))
               .prefetch_related("extensions").filter(pk=pk).first())
    if posting is None:
        raise NotFound()
    return posting


def inspection_get_for_user(*, user, pk: int):
    inspection = (Inspection.objects.filter(managed_q(user, "programme__"))
                  .select_related("facility", "department", *(f"programme__{f}" for f in _PROGRAMME))
                  .filter(pk=pk).first())
    if inspection is None:
        raise NotFound()
    return inspection


def finding_get_for_user(*, user, pk: int):
    finding = (Finding.objects.filter(managed_q(user, "inspection__programme__"))
               .select_related(*(f"inspection__programme__{f}" for f in _PROGRAMME)).filter(pk=pk).first())
    if finding is None:
        raise NotFound()
    return finding


def followup_get_for_user(*, user, pk: int):
    followup = (FollowUp.objects.filter(managed_q(user, "finding__inspection__programme__"))
                .select_related(*(f"finding__inspection__programme__{f}" for f in _PROGRAMME)).filter(pk=pk).first())
    if followup is None:
        raise NotFound()
    return followup


def postings_ending_soon(*, user, today, days: int = 30):
    """Reminders: confirmed or active postings the user manages whose rotation ends within `days` days."""
    return (Posting.objects.filter(managed_q(user, "batch__programme__"),
                                   status__in=[Posting.Status.CONFIRMED, Posting.Status.ACTIVE],
                                   end__gte=today, end__lte=today + timedelta(days=days))
            .select_related("candidate__practitioner", "facility").order_by("end", "id"))


def window_of(*, candidate: Candidate, pk) -> Availability:
    window = Availability.objects.filter(candidate=candidate, pk=pk).first() if str(pk).isdigit() else None
    if window is None:
        raise NotFound()
    return window


def nomination_of(*, call: Call, pk) -> Nomination:
    nomination = (Nomination.objects.filter(call=call, pk=pk).select_related("candidate").first()
                  if str(pk).isdigit() else None)
    if nomination is None:
        raise NotFound()
    return nomination


def finding_of(*, inspection: Inspection, pk) -> Finding:
    finding = Finding.objects.filter(inspection=inspection, pk=pk).first() if str(pk).isdigit() else None
    if finding is None:
        raise NotFound()
    return finding


def followup_of(*, inspection: Inspection, pk) -> FollowUp:
    followup = (FollowUp.objects.filter(finding__inspection=inspection, pk=pk).first()
                if str(pk).isdigit() else None)
    if followup is None:
        raise NotFound()
    return followup
