"""Agreements, visits, techniques and a case log over the benchmark's national registry, made up and deterministic.

The registry comes from registry_data (35,000 facilities, fewer practitioners:
the partnerships and transfer pages never list practitioners). On top of it:

* partnerships: agreements between the registry's organisations, each with 2–4
  parties, 1–3 scopes and 1–2 commitments (visits a year, courses held a year),
  and visits citing them — the activities the "visits" metric counts;
* transfer: a catalogue of techniques, a case log spread over facility ×
  technique pairs, and the capability rows the ledger would keep for that log.

Narrow, numerous rows (visits, cases) skip the ORM: SQLite gets `executemany`,
PostgreSQL gets `COPY` through psycopg; either way one transaction per chunk.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction
from registry_data import SEED

from caravan.core.models import Organisation
from caravan.core.text import search_blob
from caravan.partnerships.models import Agreement, AgreementParty, AgreementScope, Commitment, Scope, Visit
from caravan.registry.bulk import BulkLoad
from caravan.registry.models import Facility, Specialty, Technique
from caravan.transfer.models import Capability, CapabilityStatus, CaseLog, CaseYear

TODAY = date(2026, 5, 1)
LOGGED_AT = datetime(2026, 5, 1, 12, tzinfo=UTC)


@dataclass
class Timing:
    rows: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"rows": self.rows, "seconds": round(self.seconds, 2),
                "rows_per_s": round(self.rows / self.seconds) if self.seconds else 0}


@dataclass
class ModuleData:
    timings: dict[str, Timing] = field(default_factory=dict)
    country_id: int = 0
    province_id: int = 0  # the coordinator's province
    matrix_facility_id: int = 0  # the facility with the most capabilities the coordinator sees
    import_facility_id: int = 0  # a facility whose staff the coordinator is
    technique_codes: list[str] = field(default_factory=list)


def _raw_insert(table: str, columns: list[str], rows) -> int:
    """Insert tuples into `table` (one transaction): COPY on PostgreSQL, executemany on SQLite."""
    n = 0
    columns = [connection.ops.quote_name(c) for c in columns]  # "end" is a keyword on PostgreSQL
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        else:
            marks = ", ".join("?" * len(columns))
            # Django keeps SQLite datetimes as naive UTC text; dates go in as ISO text by sqlite3's default.
            rows = [tuple(v.strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, datetime) else v for v in row)
                    for row in rows]
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
            n = len(rows)
    return n


class ModuleGenerator:
    def __init__(self, load: BulkLoad, *, agreements: int, visits: int, techniques: int, cases: int,
                 chunk: int = 250_000, seed: int = SEED):
        self.load = load
        self.rng = random.Random(seed + 1)
        self.n_agreements, self.n_visits, self.n_techniques, self.n_cases = agreements, visits, techniques, cases
        self.chunk = chunk
        self.data = ModuleData()

    def _timed(self, name: str, fn, *args) -> None:
        started = time.perf_counter()
        rows = fn(*args)
        t = self.data.timings.setdefault(name, Timing())
        t.rows += rows
        t.seconds += time.perf_counter() - started

    # ---------------------------------------------------------- partnerships

    def agreements(self, coordinator_org: Organisation) -> None:
        rng = self.rng
        orgs = list(Organisation.objects.filter(networks__code="caravania-national").values_list("id", "name", "path"))
        # A third of the agreements have a party in the coordinator's province, so their page is full of rows.
        own = [o for o in orgs if o[2].startswith(coordinator_org.path)]
        ids = iter(self.load.reserve_ids(Agreement, self.n_agreements))
        agreements, parties, scopes, commitments, terms = [], [], [], [], []
        kinds, areas = Agreement.Kind.values, Scope.values
        for i in range(self.n_agreements):
            pk = next(ids)
            start = TODAY - timedelta(days=rng.randint(0, 8 * 365))
            end = start + timedelta(days=rng.choice([365, 730, 1095, 1825]))
            status = "active" if end >= TODAY else "expired"
            if rng.random() < 0.05:
                status = "draft"
            chosen = rng.sample(orgs, rng.choice([2, 2, 2, 3, 4]))
            if rng.random() < 0.33 and own:
                lead = rng.choice(own)
                if lead not in chosen:
                    chosen[0] = lead
            code = f"AGR-{start.year}-{i + 1:05d}"
            title = f"Cooperation between {chosen[0][1]} and {chosen[1][1]}"
            agreements.append(Agreement(
                id=pk, kind=rng.choice(kinds), code=code, title=title[:300], start=start, end=end, status=status,
                signed_on=start if status != "draft" else None, public=rng.random() < 0.2,
                search_text=search_blob(code, title, *(o[1] for o in chosen)),
            ))
            for position, org in enumerate(chosen):
                parties.append(AgreementParty(agreement_id=pk, organisation_id=org[0], position=position,
                                              role="lead" if position == 0 else "partner", signed=status != "draft"))
            scopes += [AgreementScope(agreement_id=pk, area=a) for a in rng.sample(areas, rng.randint(1, 3))]
            commitments.append(Commitment(agreement_id=pk, metric="visits", target=rng.choice([2, 4, 6, 12]),
                                          period="year"))
            if rng.random() < 0.5:
                commitments.append(Commitment(agreement_id=pk, metric="courses_held", target=rng.randint(1, 6),
                                              period="year"))
            terms.append((pk, start, end))
        self._timed("partnerships_agreement", self.load.add, Agreement, agreements)
        self._timed("partnerships_agreementparty", self.load.add, AgreementParty, parties)
        self._timed("partnerships_agreementscope", self.load.add, AgreementScope, scopes)
        self._timed("partnerships_commitment", self.load.add, Commitment, commitments)
        self.terms = terms

    def visits(self) -> None:
        """Visits citing the agreements, within their terms; 85% held (the ones the metric counts)."""
        rng, terms = self.rng, self.terms
        statuses = ["held"] * 17 + ["planned", "cancelled", "held"]
        columns = ["title", "title_local", "purpose", "agreement_id", "start", "end", "time_zone", "language",
                   "status", "created_at", "updated_at"]

        def rows(n):
            for i in range(n):
                pk, start, end = rng.choice(terms)
                span = max(0, (min(end, TODAY) - start).days)
                day = start + timedelta(days=rng.randint(0, span))
                yield (f"Visit {i + 1}", "", "", pk, day, day + timedelta(days=rng.randint(0, 4)), "UTC", "en",
                       rng.choice(statuses), LOGGED_AT, LOGGED_AT)

        for start in range(0, self.n_visits, self.chunk):
            n = min(self.chunk, self.n_visits - start)
            self._timed("partnerships_visit", _raw_insert, Visit._meta.db_table, columns, rows(n))

    # ---------------------------------------------------------- transfer

    def techniques(self) -> list[Technique]:
        rng = self.rng
        specialties = list(Specialty.objects.order_by("code").values_list("id", "code"))
        ids = iter(self.load.reserve_ids(Technique, self.n_techniques))
        rows = []
        for i in range(self.n_techniques):
            sid, scode = specialties[i % len(specialties)]
            rows.append(Technique(id=next(ids), code=f"T{i + 1:04d}", name=f"{scode.replace('_', ' ').capitalize()} "
                                  f"technique {i + 1}", specialty_id=sid, min_level=rng.choice([1, 1, 2, 2, 2, 3, 4]),
                                  cases_for_independence=rng.choice([5, 10, 10, 20])))
        self._timed("registry_technique", self.load.add, Technique, rows)
        self.data.technique_codes = [t.code for t in rows]
        return rows

    def case_log(self, techniques: list[Technique], visible_org_ids: set[int]) -> None:
        """Cases spread over facility × technique pairs (25 cases a pair on average), and their capabilities."""
        rng = self.rng
        facilities = list(Facility.objects.filter(beds__gt=0).values_list("id", "organisation_id", "level"))
        weights = [1 + (4 - level) * 3 for _pk, _org, level in facilities]
        n_pairs = max(1, self.n_cases // 25)
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < n_pairs:
            for (fid, _org, _lv), t in zip(rng.choices(facilities, weights=weights, k=n_pairs - len(pairs)),
                                           rng.choices(techniques, k=n_pairs - len(pairs)), strict=True):
                pairs.add((fid, t.pk))
        pairs_list = sorted(pairs)
        # Cases per pair: a skewed split of the total (some pairs busy, most not), summing to n_cases exactly.
        shares = [rng.paretovariate(1.5) for _ in pairs_list]
        scale = self.n_cases / sum(shares)
        counts = [max(1, int(s * scale)) for s in shares]
        counts[0] += self.n_cases - sum(counts)
        if counts[0] < 1:  # the floor of 1 overshot: take the excess from the busiest pairs
            counts[0] = 1
            excess = sum(counts) - self.n_cases
            for i in sorted(range(len(counts)), key=counts.__getitem__, reverse=True):
                take = min(excess, counts[i] - 1)
                counts[i] -= take
                excess -= take
                if not excess:
                    break
        by_technique = {t.pk: t for t in techniques}
        columns = ["facility_id", "technique_id", "performed_on", "performer", "supervision", "outcome", "logged_at"]
        capabilities = []
        years: list[tuple] = []  # the per-year counts the ledger keeps beside the capability
        buffer: list[tuple] = []
        first_day = date(2016, 1, 1).toordinal()
        span = TODAY.toordinal() - first_day
        for (fid, tid), n in zip(pairs_list, counts, strict=True):
            technique = by_technique[tid]
            days = sorted(first_day + rng.randrange(span) for _ in range(n))
            successes, independent_on = 0, None
            for k, day in enumerate(days):
                visiting = k < 3 and rng.random() < 0.5
                outcome = "success" if rng.random() < 0.95 else "complication"
                supervision = "assisted" if visiting else ("supervised" if k < 5 else "independent")
                buffer.append((fid, tid, date.fromordinal(day), "visiting" if visiting else "local", supervision,
                               outcome, LOGGED_AT))
                if not visiting and outcome == "success":
                    successes += 1
                    if successes == technique.cases_for_independence and independent_on is None:
                        independent_on = date.fromordinal(day)
            if len(buffer) >= self.chunk:
                self._timed("transfer_caselog", _raw_insert, CaseLog._meta.db_table, columns, buffer)
                buffer = []
            per_year: dict[int, int] = {}
            for day in days:
                year = date.fromordinal(day).year
                per_year[year] = per_year.get(year, 0) + 1
            years.extend((fid, tid, year, count) for year, count in sorted(per_year.items()))
            last = date.fromordinal(days[-1])
            status = CapabilityStatus.INDEPENDENT if independent_on else CapabilityStatus.SUPERVISED
            if independent_on and (TODAY - last).days > 730:
                status = CapabilityStatus.LAPSED
            capabilities.append(Capability(
                facility_id=fid, technique_id=tid, status=status, status_on=independent_on or date.fromordinal(days[0]),
                first_independent_on=independent_on, first_case_on=date.fromordinal(days[0]), last_case_on=last,
                cases=n, visiting_help=True,
            ))
        if buffer:
            self._timed("transfer_caselog", _raw_insert, CaseLog._meta.db_table, columns, buffer)
        self._timed("transfer_capability", self.load.add, Capability, capabilities)
        self._timed("transfer_caseyear", _raw_insert, CaseYear._meta.db_table,
                    ["facility_id", "technique_id", "year", "cases"], years)
        per_facility: dict[int, int] = {}
        for c in capabilities:
            per_facility[c.facility_id] = per_facility.get(c.facility_id, 0) + 1
        org_of = {pk: org for pk, org, _lv in facilities}
        visible = [f for f in per_facility if org_of[f] in visible_org_ids]
        self.data.matrix_facility_id = max(visible, key=lambda f: (per_facility[f], -f))
