"""Every read of programmes, needs, the pool and postings, already scoped to the user.

A row the user may not see answers NotFound, exactly like a missing one.
"""

from datetime import timedelta

from django.db.models import Count, Prefetch

from caravan.core.errors import NotFound

from .models import Batch, Candidate, Finding, FollowUp, Inspection, Need, Posting, Programme
from .scope import host_staff_q, managed_q

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


def candidates_of(*, programme: Programme, status: str = ""):
    rows = (Candidate.objects.filter(programme=programme)
            .select_related("practitioner", "practitioner__organisation")
            .prefetch_related("windows").order_by("practitioner__name_latin", "id"))
    return rows.filter(status=status) if status else rows


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
                  .select_related(*(f"programme__{f}" for f in _PROGRAMME)).filter(pk=pk).first())
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
