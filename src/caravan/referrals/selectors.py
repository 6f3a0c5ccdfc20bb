"""Reads of referrals, already scoped to what the user may see; a forbidden row answers NotFound."""

import json
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from caravan.core import audit
from caravan.core.errors import NotFound
from caravan.partnerships.models import Agreement, AgreementParty, Scope
from caravan.registry.models import Facility

from . import matching, scope
from . import stages as S
from .models import Capacity, Referral, Status


@dataclass
class BoardFilters:
    status: str = ""
    nationality: str = ""
    specialty: str = ""
    q: str = ""


def referral_list_for_user(*, user, filters: BoardFilters | None = None):
    filters = filters or BoardFilters()
    qs = Referral.objects.filter(scope.visible_q(user), erased_at__isnull=True)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.nationality:
        qs = qs.filter(nationality=filters.nationality.upper())
    if filters.specialty:
        qs = qs.filter(specialty__code=filters.specialty)
    if filters.q:
        qs = qs.filter(Q(reference__icontains=filters.q) | Q(patient_name_latin__icontains=filters.q)
                       | Q(patient_name__icontains=filters.q))
    return qs.select_related("specialty", "receiving_facility", "referring_organisation").order_by(
        "stage_since", "id")


def board_for_user(*, user, filters: BoardFilters | None = None, per_stage: int = 10) -> list[dict]:
    """Every open stage with its count and its longest-waiting referrals.

    One count, then one short query per open stage read off the (status, stage_since) index: a fixed
    number of queries, and none of them sorts the whole pipeline (a window over every open referral
    took half a second at 200,000 referrals on SQLite).
    """
    qs = referral_list_for_user(user=user, filters=filters)
    stages = [s for s in Status.values if s not in S.ENDED] if not (filters and filters.status) else [filters.status]
    counts = dict(qs.filter(status__in=stages).order_by().values_list("status").annotate(n=Count("*"))
                  .values_list("status", "n"))
    now = timezone.now()
    rows: dict[str, list] = {s: [] for s in stages}
    for stage in stages:
        for r in qs.filter(status=stage).order_by("stage_since", "id")[:per_stage]:
            r.days_in_stage = (now - r.stage_since).days
            rows[stage].append(r)
    labels = dict(Status.choices)
    return [{"status": s, "label": labels[s], "count": counts.get(s, 0), "referrals": rows[s]} for s in stages]


def referral_get_for_user(*, user, pk: int, record_read: bool = True) -> Referral:
    row = (Referral.objects.filter(scope.visible_q(user), pk=pk, erased_at__isnull=True)
           .select_related("specialty", "receiving_facility__organisation", "referring_organisation",
                           "receiving_organisation", "agreement").first())
    if row is None:
        raise NotFound()
    if record_read:
        audit.record_read(actor=user, obj=row, organisation=row.receiving_organisation)
    return row


def referral_detail(*, user, referral: Referral) -> dict:
    """What the detail page shows beside the referral: offers, documents, follow-ups, stage history."""
    return {
        "offers": list(referral.offers.select_related("facility").all()),
        "documents": list(referral.documents.all()),
        "follow_ups": list(referral.follow_ups.all()),
        "history": list(referral.stage_changes.select_related("by").all()),
    }


def agreements_for_intake(*, user):
    """Agreements in force with the patient-referral scope where the user is on a party's side."""
    access = scope.access_for(user)
    qs = Agreement.objects.filter(scopes__area=Scope.PATIENT_REFERRAL,
                                  status__in=[Agreement.Status.SIGNED, Agreement.Status.ACTIVE])
    if not access.is_node_admin:
        # A party at, above or below one of the user's organisations.
        paths = scope._paths(access, scope.CASE_ROLES)
        ancestors = {int(p) for path in paths for p in path.strip("/").split("/") if p}
        party = Q(organisation_id__in=ancestors)
        for path in paths:
            party |= Q(organisation__path__startswith=path)
        qs = qs.filter(pk__in=AgreementParty.objects.filter(party).values("agreement_id"))
    return qs.distinct().order_by("code")


def referring_partners(*, agreements):
    """The organisations that may refer under these agreements: the non-lead parties and those below them."""
    from caravan.core.models import Organisation

    paths = set(AgreementParty.objects.filter(agreement__in=agreements).exclude(role="lead")
                .values_list("organisation__path", flat=True))
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return Organisation.objects.filter(q).order_by("name")


def month_bounds(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    end = (start.replace(year=start.year + 1, month=1) if start.month == 12
           else start.replace(month=start.month + 1))
    return start, end


def used_this_month(*, facility_ids, specialty_id: int, day: date) -> dict[int, int]:
    rows = Referral.objects.filter(specialty_id=specialty_id, accepted_month=day.replace(day=1),
                                   receiving_facility__isnull=False)
    if len(facility_ids) <= 20:
        rows = rows.filter(receiving_facility_id__in=facility_ids)
    wanted = set(facility_ids)
    counts = (rows.order_by().values("receiving_facility_id").annotate(n=Count("id"))
              .values_list("receiving_facility_id", "n"))
    return {fid: n for fid, n in counts if fid in wanted}


def _json_lists():
    """Decode JSON lists of language codes once per distinct text: hundreds of hospitals share a handful of them,
    and decoding each row's two lists was a third of matching's time."""
    seen: dict[str | None, frozenset[str]] = {}

    def decode(text) -> frozenset[str]:
        if text not in seen:
            seen[text] = frozenset(json.loads(text) or []) if text else frozenset()
        return seen[text]

    return decode


def match_for_referral(*, referral: Referral, day: date | None = None, others: int = 30) -> matching.Match:
    """Rank the ready hospitals of the receiving side's networks for this referral (four queries).

    The capacity rows are read for the whole specialty (one index range, no join), the capacity used this month
    in one grouped count, and the JSON lists come back as text and are decoded once per distinct value.
    """
    from caravan.core.models import Organisation

    day = day or timezone.localdate()
    members = Organisation.objects.filter(
        networks__in=referral.receiving_organisation.networks.values("id")).values("id")
    through = Facility.foreign_patient_specialties.through
    ready_here = through.objects.filter(specialty_id=referral.specialty_id).values("facility_id")
    ready = list(
        Facility.objects.filter(organisation_id__in=members, id__in=ready_here)
        .annotate(languages_text=Cast("languages", TextField())).values_list("id", "name", "languages_text")
    )
    ready_ids = {r[0] for r in ready}
    caps = {fid: (monthly, interpreters, accreditation) for fid, monthly, interpreters, accreditation in
            Capacity.objects.filter(specialty_id=referral.specialty_id)
            .annotate(interpreters_text=Cast("interpreters", TextField()))
            .values_list("facility_id", "monthly", "interpreters_text", "accreditation") if fid in ready_ids}
    used = used_this_month(facility_ids=list(ready_ids), specialty_id=referral.specialty_id, day=day)
    code = referral.specialty.code
    decode = _json_lists()
    ready_for = frozenset({code})
    hospitals = []
    for fid, name, languages in ready:
        monthly, interpreters, accreditation = caps.get(fid, (None, None, ""))
        hospitals.append(matching.Hospital(
            facility_id=fid, name=name, ready_for=ready_for, capacity=monthly, used=used.get(fid, 0),
            languages=decode(languages), interpreters=decode(interpreters), accredited=bool(accreditation),
        ))
    # Hospitals ready for foreign patients in other specialties: named, so the page says why they are not proposed.
    any_ready = through.objects.values("facility_id")
    for fid, name in (Facility.objects.filter(organisation_id__in=members, id__in=any_ready)
                      .exclude(id__in=ready_here).values_list("id", "name")
                      .order_by("name")[:others]):
        hospitals.append(matching.Hospital(facility_id=fid, name=name, ready_for=frozenset(), capacity=None, used=0))
    return matching.rank(matching.Need(code, referral.language), hospitals)


# ------------------------------------------------------------------ figures


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def figures_for_user(*, user, start: date, end: date, top: int | None = None) -> dict:
    """Anonymous counts over the months of [start, end]: per month by country, specialty, hospital and outcome;
    capacity used; days from intake to admission.

    The database does the grouping, one small GROUP BY per dimension, so Python only lays out a few hundred
    cells (grouping every dimension at once returned ~37,000 rows at 200,000 referrals and took over a second
    to fold in Python). With `top`, the hospital tables hold only the `top` busiest hospitals (most referrals,
    then name), chosen from per-hospital totals before any month is read; without it (the CSV) they hold every
    hospital.
    """
    first = start.replace(day=1)
    months = []
    cursor = first
    while cursor <= end:
        months.append(cursor)
        cursor = month_bounds(cursor)[1]
    index = {m: i for i, m in enumerate(months)}
    width = len(months)
    scope_q = scope.figures_q(user)
    received = Referral.objects.filter(scope_q, received_month__gte=first, received_month__lte=end).order_by()
    placed = Referral.objects.filter(scope_q, accepted_month__gte=first, accepted_month__lte=end,
                                     receiving_facility__isnull=False).order_by()

    # COUNT(*), not COUNT(id): the id is not in the covering indexes, and naming it made PostgreSQL read the table.
    def by_month(qs, month: str, key: str) -> dict:
        rows: dict = {}
        for m, k, n in qs.values_list(month, key).annotate(n=Count("*")):
            if m in index:
                rows.setdefault(k, [0] * width)[index[m]] += n
        return rows

    def totals(qs) -> dict:
        # One row per hospital (at most a few thousand): cheap to read whole, so the top can be chosen exactly.
        return dict(qs.values_list("receiving_facility_id").annotate(n=Count("*"))
                    .values_list("receiving_facility_id", "n"))

    hospital_totals, used_totals = (totals(received), totals(placed)) if top is not None else ({}, {})

    def cutoff(counts: dict) -> set:
        # Every hospital tied with the top-th busiest, so that the names can break the tie exactly.
        if len(counts) <= top:
            return set(counts)
        floor = sorted(counts.values(), reverse=True)[top - 1]
        return {k for k, n in counts.items() if n >= floor}

    contenders = (cutoff(hospital_totals) | cutoff(used_totals)) if top is not None else set()
    facility_names = dict(Facility.objects.filter(id__in=[k for k in contenders if k]).values_list("id", "name")) \
        if contenders else {}

    def busiest(qs, month: str, counts: dict) -> dict:
        if top is None:
            return by_month(qs, month, "receiving_facility_id")
        # Most referrals first, then by name: the order the page shows.
        chosen = sorted(cutoff(counts), key=lambda k: (-counts[k], facility_names.get(k, "") if k else "",
                                                        k or 0))[:top]
        if not chosen:
            return {}
        where = Q(receiving_facility_id__in=[k for k in chosen if k is not None])
        if None in chosen:
            where |= Q(receiving_facility__isnull=True)
        return by_month(qs.filter(where), month, "receiving_facility_id")

    country = by_month(received, "received_month", "nationality")
    specialty = by_month(received, "received_month", "specialty__code")
    # Outcome and the wait for admission in one scan: a few hundred (month, outcome, days) groups at most.
    outcome: dict = {}
    waits: dict[int, int] = {}
    for m, result, wait, n in received.values_list("received_month", "outcome", "days_to_admission").annotate(
            n=Count("*")):
        if m in index:
            outcome.setdefault(result or "", [0] * width)[index[m]] += n
            if wait is not None:
                waits[wait] = waits.get(wait, 0) + n
    hospital = busiest(received, "received_month", hospital_totals)
    used = busiest(placed, "accepted_month", used_totals)
    total = [sum(column) for column in zip(*country.values(), strict=True)] if country else [0] * width
    if top is None:
        facility_ids = {k for k in hospital if k} | {k for k in used if k}
        facility_names = dict(Facility.objects.filter(id__in=facility_ids).values_list("id", "name")) \
            if facility_ids else {}

    def table(rows: dict, name=lambda k: k) -> list[dict]:
        named = [{"name": name(k) if k is not None else "", "months": v, "total": sum(v)} for k, v in rows.items()]
        return sorted(named, key=lambda r: r["name"])

    return {
        "months": [_month(m) for m in months],
        "total": total,
        "country": table(country),
        "specialty": table(specialty),
        "hospital": table(hospital, lambda k: facility_names.get(k, "")),
        "outcome": table(outcome),
        "capacity_used": table(used, lambda k: facility_names.get(k, "")),
        "admission_days": _wait_summary(waits),
    }


def _wait_summary(waits: dict[int, int]) -> dict:
    count = sum(waits.values())
    if not count:
        return {"count": 0, "median": None, "p90": None}

    def at(share):
        seen = 0
        for days in sorted(waits):
            seen += waits[days]
            if seen > share * count:
                return days
        return max(waits)

    return {"count": count, "median": at(0.5), "p90": at(0.9)}


def verify_letter(*, reference: str) -> str | None:
    """'valid', 'withdrawn' (the referral stopped after the letter) or None: nothing else is said."""
    status = (Referral.objects.filter(letter_reference=reference, erased_at__isnull=True)
              .values_list("status", flat=True).first())
    if status is None:
        return None
    return "withdrawn" if status in (S.DECLINED, S.WITHDRAWN) else "valid"
