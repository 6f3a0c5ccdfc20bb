"""Every write to agreements: create, change, sign, activate, terminate, renew, commit, attach documents.

Each service checks permission first, validates the whole input (each bad
field named with its own reason), writes inside one transaction and leaves an
audit event with the before and after. Nothing is saved when anything is
refused.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caravan.core import audit, metrics
from caravan.core.access import access_for
from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.core.text import search_blob

from . import lifecycle, selectors
from .models import (
    Agreement,
    AgreementParty,
    AgreementScope,
    Commitment,
    Notification,
    Scope,
)

AGREEMENT_FIELDS = [
    "kind", "code", "title", "title_local", "summary", "parent", "start", "end", "public",
]
STATUS_FIELDS = ["status", "signed_on", "terminated_on", "termination_reason"]
COMMITMENT_FIELDS = ["metric", "target", "period", "note"]
PARTY_FIELDS = ["role", "signatory_name", "signatory_title", "signed"]
MAX_TARGET = Decimal("999999999")


class Errors:
    """Collects field errors so that one refusal names every bad field at once."""

    def __init__(self):
        self.fields: dict[str, list] = {}

    def add(self, field: str, message) -> None:
        self.fields.setdefault(field, []).append(message)

    def merge(self, found: dict[str, list]) -> None:
        for field, messages in found.items():
            for message in messages:
                self.add(field, message)

    def raise_if_any(self, code: str = "invalid") -> None:
        if self.fields:
            raise ValidationFailed(code=code, fields=self.fields)


# ---------------------------------------------------------------- permission


def _require_recorder(by) -> None:
    if not selectors.may_record_agreements(by):
        raise PermissionDenied()


def require_editor(by, agreement: Agreement) -> None:
    if not selectors.agreement_editable_by(user=by, agreement=agreement):
        raise PermissionDenied()


def _require_changeable(agreement: Agreement) -> None:
    if agreement.status in {Agreement.Status.EXPIRED, Agreement.Status.TERMINATED}:
        raise ValidationFailed.field(
            "status", _("An expired or terminated agreement cannot be changed; renew it instead."), code="closed"
        )


# ---------------------------------------------------------------- checks


def _check_fields(errors: Errors, data: dict, *, agreement: Agreement | None) -> None:
    code = (data.get("code") or "").strip()
    if not code:
        errors.add("code", _("Enter the agreement's reference code."))
    elif Agreement.objects.filter(code=code).exclude(pk=getattr(agreement, "pk", None)).exists():
        errors.add("code", _("An agreement with this reference code already exists."))
    if not (data.get("title") or "").strip():
        errors.add("title", _("Enter the agreement's title."))
    if data.get("kind") not in Agreement.Kind.values:
        errors.add("kind", _("Choose the kind of agreement from the list."))
    start, end = data.get("start"), data.get("end")
    if start is None:
        errors.add("start", _("Enter the date the agreement starts."))
    elif end is not None and end < start:
        errors.add("end", _("The end date must be on or after the start date."))
    parent = data.get("parent")
    if parent is not None and agreement is not None:
        ancestor, seen = parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if ancestor.pk == agreement.pk:
                errors.add("parent", _("An agreement cannot implement itself or one of its own implementing "
                                       "agreements."))
                break
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


def _check_parties(errors: Errors, parties: list[dict], *, by) -> None:
    if len(parties) < 2:
        errors.add("parties", _("An agreement needs at least two parties."))
    seen: set[int] = set()
    for party in parties:
        org = party.get("organisation")
        if org is None:
            errors.add("parties", _("Choose the organisation of every party."))
            continue
        if org.pk in seen:
            errors.add("parties", _("%(name)s is listed more than once; each party appears once.")
                       % {"name": org.name})
        seen.add(org.pk)
        if party.get("role", AgreementParty.Role.PARTNER) not in AgreementParty.Role.values:
            errors.add("parties", _("Choose each party's role: lead, partner, supporter or recipient."))
    access = access_for(by)
    if seen and not access.is_node_admin and not any(
        access.can_edit_organisation(p["organisation"]) for p in parties if p.get("organisation") is not None
    ):
        errors.add("parties", _("One of the parties must be an organisation you coordinate."))


def _check_scopes(errors: Errors, scopes: list[str]) -> None:
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        errors.add("scopes", _("Unknown scope: %(codes)s.") % {"codes": ", ".join(unknown)})


def _target_of(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None and value != "" else None
    except InvalidOperation:
        return None


def _check_commitment(errors: Errors, data: dict, *, prefix: str = "") -> None:
    metric = data.get("metric") or ""
    if metric not in metrics.CATALOGUE:
        errors.add(f"{prefix}metric", _("The metric “%(code)s” does not exist; choose one from the catalogue.")
                   % {"code": metric})
    target = _target_of(data.get("target"))
    if target is None:
        errors.add(f"{prefix}target", _("Enter the target as a number."))
    elif target < 0:
        errors.add(f"{prefix}target", _("A commitment's target cannot be below zero."))
    elif target > MAX_TARGET or target != target.quantize(Decimal("0.1")):
        errors.add(f"{prefix}target", _("Enter a target up to 999,999,999 with at most one decimal."))
    if data.get("period") not in Commitment.Period.values:
        errors.add(f"{prefix}period", _("Choose the period: per year, per month or the whole term."))


def _check_commitments(errors: Errors, commitments: list[dict]) -> None:
    seen = set()
    for item in commitments:
        _check_commitment(errors, item, prefix="commitments.")
        key = (item.get("metric"), item.get("period"))
        if key in seen:
            errors.add("commitments", _("Each metric can be committed to only once per period."))
        seen.add(key)


# ---------------------------------------------------------------- writing helpers


def _search_text(agreement: Agreement, organisations) -> str:
    names = [n for org in organisations for n in (org.name, org.name_local)]
    return search_blob(agreement.code, agreement.title, agreement.title_local, *names)


def _save(instance, **kwargs) -> None:
    """Save; a constraint the checks missed (a race) still becomes a clear refusal."""
    try:
        with transaction.atomic():
            instance.save(**kwargs)
    except IntegrityError:
        raise ValidationFailed(_("This record conflicts with another; reload and try again."),
                               code="conflict") from None


def _parties_state(agreement: Agreement) -> list:
    return [
        [p.organisation_id, p.role, p.signatory_name, p.signatory_title, p.signed]
        for p in agreement.parties.order_by("position", "id")
    ]


def _state(agreement: Agreement) -> dict:
    """Everything the audit trail compares: the fields, parties, scopes and commitments."""
    state = audit.snapshot(agreement, AGREEMENT_FIELDS + STATUS_FIELDS + ["predecessor"])
    state["parties"] = _parties_state(agreement)
    state["scopes"] = sorted(agreement.scopes.values_list("area", flat=True))
    state["commitments"] = [
        [c.metric, format(c.target.normalize(), "f"), c.period, c.note]
        for c in agreement.commitments.order_by("id")
    ]
    return state


def lead_organisation(agreement: Agreement):
    party = agreement.parties.select_related("organisation").order_by("position", "id").first()
    return party.organisation if party else None


def _record(by, action: str, agreement: Agreement, before: dict, after: dict) -> None:
    changes = audit.diff(before, after)
    if changes or action == audit.Action.CREATE:
        audit.record(actor=by, action=action, obj=agreement, organisation=lead_organisation(agreement),
                     changes=changes)


def _write_parties(agreement: Agreement, parties: list[dict]) -> None:
    """Bring the party rows in line with `parties`: keep, change, add and remove by organisation."""
    existing = {p.organisation_id: p for p in agreement.parties.all()}
    wanted_ids = [p["organisation"].pk for p in parties]
    AgreementParty.objects.filter(agreement=agreement).exclude(organisation_id__in=wanted_ids).delete()
    for position, data in enumerate(parties):
        row = existing.get(data["organisation"].pk) or AgreementParty(
            agreement=agreement, organisation=data["organisation"]
        )
        row.position = position
        row.role = data.get("role", AgreementParty.Role.PARTNER)
        row.signatory_name = (data.get("signatory_name") or "").strip()
        row.signatory_title = (data.get("signatory_title") or "").strip()
        row.signed = bool(data.get("signed", False))
        row.save()


def _write_scopes(agreement: Agreement, scopes: list[str]) -> None:
    wanted = set(scopes)
    AgreementScope.objects.filter(agreement=agreement).exclude(area__in=wanted).delete()
    have = set(agreement.scopes.values_list("area", flat=True))
    AgreementScope.objects.bulk_create([AgreementScope(agreement=agreement, area=a) for a in sorted(wanted - have)])


def _write_commitments(agreement: Agreement, commitments: list[dict]) -> None:
    Commitment.objects.bulk_create([
        Commitment(agreement=agreement, metric=c["metric"], target=_target_of(c["target"]), period=c["period"],
                   note=(c.get("note") or "").strip())
        for c in commitments
    ])


def _refresh_search(agreement: Agreement) -> None:
    organisations = [p.organisation for p in agreement.parties.select_related("organisation")]
    text = _search_text(agreement, organisations)
    if text != agreement.search_text:
        agreement.search_text = text
        agreement.save(update_fields=["search_text"])


# ---------------------------------------------------------------- agreements


@transaction.atomic
def agreement_create(*, by, data: dict) -> Agreement:
    """Record a draft agreement with its parties, scopes and commitments.

    `data` holds the agreement's fields plus `parties` (dicts with organisation,
    role, signatory_name, signatory_title, signed), `scopes` (codes) and
    `commitments` (dicts with metric, target, period, note). The recorder must
    coordinate one of the parties. All of it is saved, or none of it.
    """
    _require_recorder(by)
    data = {"kind": Agreement.Kind.MOU, "public": False, **data}
    parties = list(data.get("parties") or [])
    scopes = list(data.get("scopes") or [])
    commitments = list(data.get("commitments") or [])
    errors = Errors()
    _check_fields(errors, data, agreement=None)
    _check_parties(errors, parties, by=by)
    _check_scopes(errors, scopes)
    _check_commitments(errors, commitments)
    errors.raise_if_any()
    agreement = Agreement(status=Agreement.Status.DRAFT)
    for name in AGREEMENT_FIELDS:
        if name in data:
            setattr(agreement, name, data[name].strip() if isinstance(data[name], str) else data[name])
    _save(agreement)
    _write_parties(agreement, parties)
    _write_scopes(agreement, scopes)
    _write_commitments(agreement, commitments)
    _refresh_search(agreement)
    _record(by, audit.Action.CREATE, agreement, {}, _state(agreement))
    return agreement


@transaction.atomic
def agreement_update(*, by, agreement: Agreement, data: dict) -> Agreement:
    """Change an agreement's fields; `parties`, `scopes` and `commitments` in `data` replace the current ones.

    Parties change only while the agreement is a draft (a signed text binds its
    signatories); commitments given here replace all current ones.
    """
    require_editor(by, agreement)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_changeable(agreement)
    before = _state(agreement)
    merged = {name: getattr(agreement, name) for name in AGREEMENT_FIELDS}
    merged.update({k: v for k, v in data.items() if k in AGREEMENT_FIELDS})
    errors = Errors()
    _check_fields(errors, merged, agreement=agreement)
    if "parties" in data:
        current = [[org, role, name, title, signed] for org, role, name, title, signed in before["parties"]]
        wanted = [[p["organisation"].pk if p.get("organisation") else None, p.get("role", "partner"),
                   (p.get("signatory_name") or "").strip(), (p.get("signatory_title") or "").strip(),
                   bool(p.get("signed", False))] for p in data["parties"]]
        if wanted != current and agreement.status != Agreement.Status.DRAFT:
            errors.add("parties", _("The parties can only change while the agreement is a draft."))
        _check_parties(errors, list(data["parties"]), by=by)
    if "scopes" in data:
        _check_scopes(errors, list(data["scopes"]))
    if "commitments" in data:
        _check_commitments(errors, list(data["commitments"]))
    errors.raise_if_any()
    for name in AGREEMENT_FIELDS:
        value = merged[name]
        setattr(agreement, name, value.strip() if isinstance(value, str) else value)
    _save(agreement)
    if "parties" in data:
        _write_parties(agreement, list(data["parties"]))
    if "scopes" in data:
        _write_scopes(agreement, list(data["scopes"]))
    if "commitments" in data:
        agreement.commitments.all().delete()
        _write_commitments(agreement, list(data["commitments"]))
    _refresh_search(agreement)
    _record(by, audit.Action.UPDATE, agreement, before, _state(agreement))
    return agreement


def _lifecycle_facts(agreement: Agreement, *, signed_on: date | None = None) -> lifecycle.LifecycleFacts:
    return lifecycle.LifecycleFacts(
        status=agreement.status, end=agreement.end, signed_on=signed_on or agreement.signed_on,
        parties=tuple(
            lifecycle.PartyFacts(name=p.organisation.name, signatory_name=p.signatory_name, signed=p.signed)
            for p in agreement.parties.select_related("organisation").order_by("position", "id")
        ),
    )


@transaction.atomic
def agreement_transition(*, by, agreement: Agreement, to: str, signed_on: date | None = None,
                         reason: str = "", on: date | None = None) -> Agreement:
    """Move an agreement to `to` (signed, active or terminated) when the lifecycle's guards allow it.

    Signing needs a signature date (not in the future); activation also needs
    every party's signatory named and signed; termination needs a reason.
    Expiry is not asked for: the daily task expires agreements past their end.
    """
    require_editor(by, agreement)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if to == Agreement.Status.EXPIRED:
        raise ValidationFailed.field("status", _("Agreements expire by themselves once their end date has passed."),
                                     code="transition")
    today = timezone.localdate()
    facts = _lifecycle_facts(agreement, signed_on=signed_on)
    found = lifecycle.problems(facts, to, today=today, reason=reason)
    if found:
        raise ValidationFailed(code="transition", fields=found)
    before = _state(agreement)
    agreement.status = to
    if to in {Agreement.Status.SIGNED, Agreement.Status.ACTIVE}:
        agreement.signed_on = signed_on or agreement.signed_on
    if to == Agreement.Status.TERMINATED:
        agreement.terminated_on = on or today
        agreement.termination_reason = reason.strip()
    agreement.save(update_fields=[*STATUS_FIELDS, "updated_at"])
    _record(by, audit.Action.UPDATE, agreement, before, _state(agreement))
    return agreement


def agreement_expire(*, agreement: Agreement, today: date) -> bool:
    """Mark one agreement past its end date as expired (the daily task's write); False when it was not due.

    Runs without a user: the audit event names no actor.
    """
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if lifecycle.problems(_lifecycle_facts(agreement), Agreement.Status.EXPIRED, today=today):
            return False
        before = _state(agreement)
        agreement.status = Agreement.Status.EXPIRED
        agreement.save(update_fields=["status", "updated_at"])
        _record(None, audit.Action.UPDATE, agreement, before, _state(agreement))
        return True


@transaction.atomic
def agreement_renew(*, by, agreement: Agreement, code: str, start: date, end: date | None,
                    title: str = "") -> Agreement:
    """Create the draft successor of an agreement: same kind, parties, scopes and commitments, new term.

    The parties must sign the successor again; the predecessor keeps its status
    until it expires. An agreement is renewed at most once.
    """
    require_editor(by, agreement)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    errors = Errors()
    if agreement.status not in {Agreement.Status.SIGNED, Agreement.Status.ACTIVE, Agreement.Status.EXPIRED}:
        errors.add("status", _("Only a signed, active or expired agreement can be renewed."))
    if Agreement.objects.filter(predecessor=agreement).exists():
        errors.add("status", _("This agreement has already been renewed."))
    data = {"code": code, "title": title or agreement.title, "kind": agreement.kind, "start": start, "end": end}
    _check_fields(errors, data, agreement=None)
    if start is not None and start <= agreement.start:
        errors.add("start", _("The renewal must start after the agreement it renews."))
    errors.raise_if_any()
    parties = [
        {"organisation": p.organisation, "role": p.role, "signatory_name": p.signatory_name,
         "signatory_title": p.signatory_title, "signed": False}
        for p in agreement.parties.select_related("organisation").order_by("position", "id")
    ]
    successor = Agreement(
        kind=agreement.kind, code=code.strip(), title=(title or agreement.title).strip(),
        title_local=agreement.title_local, summary=agreement.summary, parent=agreement.parent,
        predecessor=agreement, start=start, end=end, public=agreement.public, status=Agreement.Status.DRAFT,
    )
    _save(successor)
    _write_parties(successor, parties)
    _write_scopes(successor, list(agreement.scopes.values_list("area", flat=True)))
    _write_commitments(successor, [
        {"metric": c.metric, "target": c.target, "period": c.period, "note": c.note}
        for c in agreement.commitments.order_by("id")
    ])
    _refresh_search(successor)
    _record(by, audit.Action.CREATE, successor, {}, _state(successor))
    return successor


@transaction.atomic
def party_update(*, by, party: AgreementParty, data: dict) -> AgreementParty:
    """Record a party's signatory and whether it has signed (role changes only while a draft)."""
    agreement = party.agreement
    require_editor(by, agreement)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_changeable(agreement)
    party = AgreementParty.objects.get(pk=party.pk)
    before = _state(agreement)
    if "role" in data and data["role"] != party.role:
        if data["role"] not in AgreementParty.Role.values:
            raise ValidationFailed.field("role", _("Choose each party's role: lead, partner, supporter or recipient."))
        if agreement.status != Agreement.Status.DRAFT:
            raise ValidationFailed.field("role", _("The parties can only change while the agreement is a draft."))
    for name in PARTY_FIELDS:
        if name in data:
            value = data[name]
            setattr(party, name, value.strip() if isinstance(value, str) else value)
    if party.signed and not party.signatory_name:
        raise ValidationFailed.field("signatory_name", _("Name the signatory before marking the party as signed."))
    party.save(update_fields=PARTY_FIELDS)
    _record(by, audit.Action.UPDATE, agreement, before, _state(agreement))
    return party


# ---------------------------------------------------------------- commitments


@transaction.atomic
def commitment_add(*, by, agreement: Agreement, data: dict) -> Commitment:
    """Add a commitment: a metric of the catalogue, a target of zero or more, and its period."""
    require_editor(by, agreement)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_changeable(agreement)
    errors = Errors()
    _check_commitment(errors, data)
    if not errors.fields and agreement.commitments.filter(metric=data["metric"], period=data["period"]).exists():
        errors.add("metric", _("This agreement already has a commitment for this metric and period."))
    errors.raise_if_any()
    before = _state(agreement)
    commitment = Commitment(agreement=agreement, metric=data["metric"], target=_target_of(data["target"]),
                            period=data["period"], note=(data.get("note") or "").strip())
    _save(commitment)
    _record(by, audit.Action.UPDATE, agreement, before, _state(agreement))
    return commitment


@transaction.atomic
def commitment_update(*, by, commitment: Commitment, data: dict) -> Commitment:
    """Change a commitment's target, period, metric or note."""
    agreement = commitment.agreement
    require_editor(by, agreement)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_changeable(agreement)
    commitment = Commitment.objects.get(pk=commitment.pk)
    merged = {name: getattr(commitment, name) for name in COMMITMENT_FIELDS}
    merged.update({k: v for k, v in data.items() if k in COMMITMENT_FIELDS})
    errors = Errors()
    _check_commitment(errors, merged)
    clash = agreement.commitments.filter(metric=merged["metric"], period=merged["period"]).exclude(pk=commitment.pk)
    if not errors.fields and clash.exists():
        errors.add("metric", _("This agreement already has a commitment for this metric and period."))
    errors.raise_if_any()
    before = _state(agreement)
    commitment.metric = merged["metric"]
    commitment.target = _target_of(merged["target"])
    commitment.period = merged["period"]
    commitment.note = (merged["note"] or "").strip()
    _save(commitment, update_fields=COMMITMENT_FIELDS)
    _record(by, audit.Action.UPDATE, agreement, before, _state(agreement))
    return commitment


@transaction.atomic
def commitment_remove(*, by, commitment: Commitment) -> None:
    """Remove a commitment (its activities stay; they simply stop counting toward it)."""
    agreement = commitment.agreement
    require_editor(by, agreement)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_changeable(agreement)
    before = _state(agreement)
    Commitment.objects.filter(pk=commitment.pk).delete()
    _record(by, audit.Action.UPDATE, agreement, before, _state(agreement))


# ---------------------------------------------------------------- deletion


def deletion_problems(agreement: Agreement) -> dict[str, list]:
    """Why an agreement may not be deleted, by field (empty when it may).

    Only a draft may go: once signed, an agreement is a record the parties rely
    on (terminate it instead). A draft that a framework's implementing
    agreements point to, or that activities already cite, stays too: deleting
    it would silently take their link away.
    """
    if agreement.status != Agreement.Status.DRAFT:
        return {"status": [_("Only a draft can be deleted; terminate a signed agreement instead.")]}
    if Agreement.objects.filter(parent=agreement).exists():
        return {"parent": [_("Other agreements implement this one; delete or move them first.")]}
    if agreement.visits.exists():
        return {"agreement": [_("Visits cite this agreement; change them first.")]}
    return {}


def agreement_delete(*, by, agreement: Agreement) -> None:
    """Delete a draft agreement with its parties, scopes, commitments and documents; one audit event keeps it."""
    require_editor(by, agreement)
    files = []
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        found = deletion_problems(agreement)
        if found:
            raise ValidationFailed(code="not_deletable", fields=found)
        before = _state(agreement)
        files = [d.file for d in agreement.documents.all()]
        organisation = lead_organisation(agreement)
        audit.record(actor=by, action=audit.Action.DELETE, obj=agreement, organisation=organisation,
                     changes={k: [v, None] for k, v in before.items()})
        try:
            with transaction.atomic():
                agreement.delete()
        except (ProtectedError, RestrictedError) as exc:
            # Another module's records (a referral, a teleconsultation case…) cite it.
            raise ValidationFailed(code="not_deletable", fields={"agreement": [
                _("Records of other modules cite this agreement; it cannot be deleted.")]}) from exc
        transaction.on_commit(lambda: [f.delete(save=False) for f in files])


# ---------------------------------------------------------------- notifications


def notifications_mark_read(*, by, ids: list[int] | None = None) -> int:
    """Mark the user's own notifications as read (all of them when `ids` is None); returns how many changed.

    Another user's notification ids are ignored, not refused: they are not the caller's to know about.
    """
    if not access_for(by).is_authenticated:
        raise PermissionDenied()
    qs = Notification.objects.filter(recipient=by, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
