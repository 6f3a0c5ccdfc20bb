"""Reads of referrals, already scoped to what the user may see; a forbidden row answers NotFound."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
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
    counts = dict(qs.filter(status__in=stages).order_by().values_list("status").annotate(n=Count("id"))
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


def match_for_referral(*, referral: Referral, day: date | None = None, others: int = 30) -> matching.Match:
    """Rank the ready hospitals of the receiving side's networks for this referral (five queries)."""
    from caravan.core.models import Organisation

    day = day or timezone.localdate()
    members = Organisation.objects.filter(
        networks__in=referral.receiving_organisation.networks.values("id")).values("id")
    ready_here = Facility.foreign_patient_specialties.through.objects.filter(specialty_id=referral.specialty_id)
    ready = list(
        Facility.objects.filter(organisation_id__in=members, id__in=ready_here.values("facility_id"))
        .values_list("id", "name", "languages")
    )
    ready_ids = [r[0] for r in ready]
    caps = {fid: (monthly, interpreters, accreditation) for fid, monthly, interpreters, accreditation in
            Capacity.objects.filter(facility__in=Facility.objects.filter(organisation_id__in=members),
                                    specialty_id=referral.specialty_id)
            .values_list("facility_id", "monthly", "interpreters", "accreditation")}
    used = used_this_month(facility_ids=ready_ids, specialty_id=referral.specialty_id, day=day)
    code = referral.specialty.code
    hospitals = []
    for fid, name, languages in ready:
        monthly, interpreters, accreditation = caps.get(fid, (None, [], ""))
        hospitals.append(matching.Hospital(
            facility_id=fid, name=name, ready_for=frozenset({code}), capacity=monthly, used=used.get(fid, 0),
            languages=frozenset(languages or []), interpreters=frozenset(interpreters or []),
            accredited=bool(accreditation),
        ))
    # Hospitals ready for foreign patients in other specialties: named, so the page says why they are not proposed.
    any_ready = Facility.foreign_patient_specialties.through.objects.values("facility_id")
    for fid, name in (Facility.objects.filter(organisation_id__in=members, id__in=any_ready)
                      .exclude(id__in=ready_here.values("facility_id")).values_list("id", "name")
                      .order_by("name")[:others]):
        hospitals.append(matching.Hospital(facility_id=fid, name=name, ready_for=frozenset(), capacity=None, used=0))
    return matching.rank(matching.Need(code, referral.language), hospitals)


# ------------------------------------------------------------------ figures


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def figures_for_user(*, user, start: date, end: date) -> dict:
    """Anonymous counts over the months of [start, end]: per month by country, specialty, hospital and outcome;
    capacity used; days from intake to admission.

    One grouped scan over a covering index gives every dimension at once (a scan per dimension took a
    quarter of a second each at 200,000 referrals); one more gives the capacity used; two small ones
    name the specialties and hospitals that appear.
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
    qs = Referral.objects.filter(scope_q, received_month__gte=first, received_month__lte=end).order_by()
    dims = {"country": {}, "specialty": {}, "hospital": {}, "outcome": {}}
    total = [0] * width
    waits: Counter = Counter()
    for m, nationality, specialty_id, facility_id, outcome, wait, n in qs.values_list(
            "received_month", "nationality", "specialty_id", "receiving_facility_id", "outcome",
            "days_to_admission").annotate(n=Count("id")):
        i = index.get(m)
        if i is None:
            continue
        total[i] += n
        for dim, key in (("country", nationality), ("specialty", specialty_id), ("hospital", facility_id),
                         ("outcome", outcome or "")):
            dims[dim].setdefault(key, [0] * width)[i] += n
        if wait is not None:
            waits[wait] += n
    used: dict = {}
    for m, facility_id, n in (Referral.objects.filter(scope_q, accepted_month__gte=first, accepted_month__lte=end,
                                                      receiving_facility__isnull=False).order_by()
                              .values_list("accepted_month", "receiving_facility_id").annotate(n=Count("id"))):
        if m in index:
            used.setdefault(facility_id, [0] * width)[index[m]] += n
    from caravan.registry.models import Specialty

    specialty_codes = dict(Specialty.objects.filter(id__in=[k for k in dims["specialty"] if k]).values_list(
        "id", "code"))
    facility_ids = {k for k in dims["hospital"] if k} | set(used)
    facility_names = dict(Facility.objects.filter(id__in=facility_ids).values_list("id", "name"))

    def table(rows: dict, name=lambda k: k) -> list[dict]:
        named = [{"name": name(k) if k is not None else "", "months": v, "total": sum(v)} for k, v in rows.items()]
        return sorted(named, key=lambda r: r["name"])

    return {
        "months": [_month(m) for m in months],
        "total": total,
        "country": table(dims["country"]),
        "specialty": table(dims["specialty"], lambda k: specialty_codes.get(k, "")),
        "hospital": table(dims["hospital"], lambda k: facility_names.get(k, "")),
        "outcome": table(dims["outcome"]),
        "capacity_used": table(used, lambda k: facility_names.get(k, "")),
        "admission_days": _wait_summary(dict(waits)),
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
