"""Load the technique-transfer demo (called by caravan.demo.loader after the registry and agreements).

Techniques, plans, centres and studios go through the services, like a user's
writes. The case logs (some twenty thousand rows) are generated from
demo_data.Series month by month, deterministically, and inserted in bulk: one
"demo" import per facility, audited once, which is also how a second load
knows they are there. Then the ledger is recomputed for what was inserted.
"""

import calendar
from collections import defaultdict
from datetime import date

from django.db.models import F, Q
from django.utils import timezone

from caravan.core import audit
from caravan.registry import services as registry
from caravan.registry.models import (
    Appointment,
    Department,
    Equipment,
    Facility,
    Practitioner,
    Specialty,
    Technique,
)

from . import demo_data as data
from . import ledger, services
from .models import Capability, CaseImport, CaseLog, PlanItem, SpecialtyCentre, Studio, TransferPlan

BATCH = 2000


def _months(start: date, end: date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _days(year: int, month: int, count: int, offset: int) -> list[date]:
    """`count` days spread over the month, shifted by `offset` so two series do not share every day."""
    last = calendar.monthrange(year, month)[1]
    return [date(year, month, 1 + (i * last // max(count, 1) + offset) % last) for i in range(count)]


def cases_of(series: data.Series, until: date) -> list[tuple[date, str, str, str]]:
    """(day, performer, supervision, outcome) for every case of a series, in date order, up to `until`."""
    end = min(series.until or until, until)
    offset = sum(map(ord, series.facility + series.technique)) % 7
    rows = []
    local_count = 0
    visiting_months = list(_months(series.start, series.visiting_until)) if series.visiting_until else []
    for year, month in _months(series.start, end):
        first = date(year, month, 1)
        if series.visiting_until and first <= series.visiting_until:
            # Local staff watch the first half of the visiting months and assist in the second.
            watching = visiting_months.index((year, month)) < len(visiting_months) / 2
            rows.extend(
                (day, "visiting", "observed" if watching else "assisted", "success")
                for day in _days(year, month, series.visiting_per_month, offset + 3)
                if day <= series.visiting_until and day <= end
            )
        if series.alone_from and first >= series.alone_from.replace(day=1):
            supervision = "independent"
        elif series.supervised_from and first >= series.supervised_from.replace(day=1):
            supervision = "supervised"
        else:
            continue
        for day in _days(year, month, series.per_month, offset):
            if day > end:
                continue
            local_count += 1
            # About one case in twenty has a complication: under the 10% that holds independence back.
            outcome = "complication" if local_count % 19 == 11 else "success"
            rows.append((day, "local", supervision, outcome))
    return sorted(rows)


class TransferDemo:
    def __init__(self, *, by, result):
        self.by = by
        self.result = result
        self.today = timezone.localdate()
        self.until = min(data.LOG_UNTIL, self.today)
        self.facilities = {f.code: f for f in Facility.objects.select_related("organisation")}
        self.techniques = {t.code: t for t in Technique.objects.select_related("specialty")}

    # ------------------------------------------------------------ techniques

    def techniques_of_haibei(self) -> None:
        specialties = {s.code: s for s in Specialty.objects.all()}
        equipment = {e.code: e for e in Equipment.objects.all()}
        for code, name, local, specialty, level, cases, needs in data.HAIBEI_TECHNIQUES:
            if code in self.techniques:
                continue
            self.techniques[code] = registry.technique_create(by=self.by, data={
                "code": code, "name": name, "name_local": local, "specialty": specialties[specialty],
                "min_level": level, "cases_for_independence": cases,
                "equipment_needed": [equipment[c] for c in needs],
            })
            self.result.created["technique"] += 1

    # ------------------------------------------------------------ case logs

    def _visiting_experts(self, facility_ids: set[int]) -> dict[int, list[tuple]]:
        """Experts from elsewhere appointed at each facility: (start, end, specialty code, practitioner id)."""
        rows = (
            Appointment.objects.filter(facility_id__in=facility_ids)
            .exclude(practitioner__organisation=F("facility__organisation"))
            .values_list("facility_id", "start", "end", "practitioner__specialties__code", "practitioner_id")
            .order_by("start", "practitioner_id")
        )
        experts: dict[int, list[tuple]] = defaultdict(list)
        for facility_id, start, end, specialty, practitioner_id in rows:
            experts[facility_id].append((start, end, specialty, practitioner_id))
        return experts

    def case_logs(self) -> set[tuple[int, int]]:
        """Insert the logs of facilities that have none from the demo yet; returns the pairs inserted."""
        series_by_facility: dict[str, list[data.Series]] = defaultdict(list)
        for series in data.LAOCAI_SERIES + data.HAIBEI_SERIES:
            series_by_facility[series.facility].append(series)
        done = set(CaseImport.objects.filter(file_name__startswith="demo-").values_list("file_name", flat=True))
        todo = {code: s for code, s in series_by_facility.items() if f"demo-{code}.csv" not in done}
        if not todo:
            return set()
        experts = self._visiting_experts({self.facilities[code].pk for code in todo})
        pairs: set[tuple[int, int]] = set()
        rows: list[CaseLog] = []
        for code, all_series in todo.items():
            facility = self.facilities[code]
            case_import = CaseImport.objects.create(
                facility=facility, file_name=f"demo-{code}.csv", status=CaseImport.Status.DONE, uploaded_by=self.by,
                finished_at=timezone.now(), checked_on=self.today,
            )
            count = 0
            for series in all_series:
                technique = self.techniques[series.technique]
                pairs.add((facility.pk, technique.pk))
                for day, performer, supervision, outcome in cases_of(series, self.until):
                    expert = None
                    if performer == "visiting":
                        expert = next((pk for start, end, specialty, pk in experts.get(facility.pk, [])
                                       if specialty == technique.specialty.code and start <= day
                                       and (end is None or day <= end)), None)
                    rows.append(CaseLog(
                        facility=facility, technique=technique, performed_on=day, performer=performer,
                        supervision=supervision, outcome=outcome, visiting_practitioner_id=expert, source=case_import,
                        logged_by=self.by,
                    ))
                    count += 1
            CaseImport.objects.filter(pk=case_import.pk).update(total_rows=count, valid_rows=count, imported_rows=count)
            audit.record(actor=self.by, action=audit.Action.CREATE, obj=case_import, organisation=facility.organisation,
                         changes={"file_name": [None, case_import.file_name], "imported_rows": [None, count]})
            self.result.created["case import"] += 1
            self.result.created["logged case"] += count
        CaseLog.objects.bulk_create(rows, batch_size=BATCH)
        return pairs

    # ------------------------------------------------------------ plans

    def _agreement_between(self, mentor: Facility, recipient: Facility):
        """The agreements demo's agreement that binds the two sides, when there is one.

        Two different parties must stand at or above the mentor's and the
        recipient's organisations; the closest pair wins (a hospital's own
        agreement before its health department's).
        """
        from caravan.partnerships.models import AgreementParty

        parties = defaultdict(list)
        for agreement_id, path in AgreementParty.objects.values_list("agreement_id", "organisation__path"):
            parties[agreement_id].append(path)
        best, best_score = None, -1
        for agreement_id, paths in sorted(parties.items()):
            for i, mentor_side in enumerate(paths):
                for j, recipient_side in enumerate(paths):
                    if i != j and mentor.organisation.path.startswith(mentor_side) and \
                            recipient.organisation.path.startswith(recipient_side):
                        score = len(mentor_side) + len(recipient_side)
                        if score > best_score:
                            best, best_score = agreement_id, score
        return best

    def _people_for(self, facility: Facility, specialty_id: int, limit: int) -> list[Practitioner]:
        return list(
            Practitioner.objects.filter(specialties=specialty_id)
            .filter(Q(organisation=facility.organisation) | Q(appointments__facility=facility))
            .distinct().order_by("name_latin", "id")[:limit]
        )

    def plans(self) -> None:
        from caravan.partnerships.models import Agreement

        existing = {(p.title, p.mentor_id, p.recipient_id): p for p in TransferPlan.objects.all()}
        for title, mentor_code, recipient_code, items, targets in data.LAOCAI_PLANS + data.HAIBEI_PLANS:
            mentor, recipient = self.facilities[mentor_code], self.facilities[recipient_code]
            plan = existing.get((title, mentor.pk, recipient.pk))
            agreement_id = self._agreement_between(mentor, recipient)
            agreement = Agreement.objects.get(pk=agreement_id) if agreement_id else None
            if plan is None:
                plan = services.plan_create(by=self.by, data={
                    "title": title, "mentor": mentor, "recipient": recipient, "agreement": agreement,
                    "targets": targets,
                })
                self.result.created["transfer plan"] += 1
            elif plan.agreement_id is None and agreement is not None:
                services.plan_update(by=self.by, plan=plan, data={"agreement": agreement})
                self.result.updated["transfer plan"] += 1
            have = set(PlanItem.objects.filter(plan=plan).values_list("technique__code", flat=True))
            for code, phase, priority, note in items:
                if code in have:
                    continue
                technique = self.techniques[code]
                services.plan_item_add(
                    by=self.by, plan=plan, technique=technique, phase=phase, priority=priority, note=note,
                    mentors=self._people_for(mentor, technique.specialty_id, 1),
                    trainees=self._people_for(recipient, technique.specialty_id, 2),
                )
                self.result.created["plan item"] += 1

    # ------------------------------------------------------------ centres and studios

    def centres(self) -> None:
        from caravan.core.models import Organisation

        have = set(SpecialtyCentre.objects.values_list("facility__code", "name"))
        orgs = {o.code: o for o in Organisation.objects.filter(code__in=[c[5] for c in data.CENTRES])}
        specialties = {s.code: s for s in Specialty.objects.all()}
        for kind, name, local, facility, specialty, partner, opened, served, as_of, description in data.CENTRES:
            if (facility, name) in have:
                continue
            services.centre_create(by=self.by, data={
                "kind": kind, "name": name, "name_local": local, "facility": self.facilities[facility],
                "specialty": specialties[specialty] if specialty else None, "partner": orgs.get(partner),
                "opened_on": opened, "people_served": served, "served_as_of": as_of, "description": description,
            })
            self.result.created["specialty centre"] += 1

    def _people_index(self) -> tuple[dict, dict]:
        """Batch experts by (host facility, post, start) and local staff by (organisation, position)."""
        from caravan.demo.programmes.haibei import batch_dates

        rows = Appointment.objects.filter(facility__code__startswith="CN-QH-HB-").values_list(
            "facility__code", "position", "start", "practitioner_id", "practitioner__organisation__code",
        )
        experts, locals_ = {}, {}
        for facility, position, start, person, org in rows:
            experts[(facility, position, start)] = person
            locals_[(org, position)] = person
        return {key: experts.get((key[0], key[1], batch_dates(key[2])[0])) for key in self._expert_keys()}, locals_

    @staticmethod
    def _expert_keys():
        for studio in data.STUDIOS:
            yield studio[4]
            for who, _since in studio[6]:
                if len(who) == 3:
                    yield who

    def studios(self) -> None:
        have = set(Studio.objects.values_list("department__facility__code", "name"))
        wanted = [s for s in data.STUDIOS if (s[2], s[0]) not in have]
        if not wanted:
            return
        experts, locals_ = self._people_index()
        people = Practitioner.objects.in_bulk([*experts.values(), *locals_.values()])

        def person(key):
            return people[experts[key] if len(key) == 3 else locals_[key]]

        departments = {(d.facility.code, d.name): d for d in Department.objects.select_related("facility")
                       .filter(facility__code__startswith="CN-QH-HB-")}
        for name, local, facility, department, founder, founded, leads, trainees, techniques in wanted:
            studio = services.studio_create(by=self.by, data={
                "name": name, "name_local": local, "department": departments[(facility, department)],
                "founder": person(founder), "founded_on": founded,
                "techniques": [self.techniques[c] for c in techniques],
            })
            for who, since in leads:
                services.studio_lead_succeed(by=self.by, studio=studio, practitioner=person(who), start=since)
            for who, since, note in trainees:
                services.studio_trainee_add(by=self.by, studio=studio, practitioner=person(who), since=since, note=note)
            self.result.created["studio"] += 1


def load(*, by, result) -> None:
    """Bring the transfer demo in line with demo_data; a second run changes nothing and audits nothing."""
    demo = TransferDemo(by=by, result=result)
    capabilities = Capability.objects.count()
    demo.techniques_of_haibei()
    pairs = demo.case_logs()
    if pairs:
        ledger.recompute(pairs)
    demo.plans()
    demo.centres()
    demo.studios()
    if Capability.objects.count() > capabilities:
        result.created["capability"] += Capability.objects.count() - capabilities
