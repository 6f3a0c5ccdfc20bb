"""Which status changes an agreement may make, and what each needs. Plain Python, no database.

    draft ──► signed ──► active ──► expired
      │         │          │
      └─────────┴──────────┴──► terminated

A draft may go straight to active when it already meets the guards of both
steps. Only the daily task expires an agreement, once its end date has passed.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

ALLOWED = {
    "draft": {"signed", "active", "terminated"},
    "signed": {"active", "terminated", "expired"},
    "active": {"terminated", "expired"},
    "expired": set(),
    "terminated": set(),
}


@dataclass(frozen=True)
class PartyFacts:
    name: str  # the organisation's name, to say who has not signed
    signatory_name: str
    signed: bool


@dataclass(frozen=True)
class LifecycleFacts:
    status: str
    end: date | None
    signed_on: date | None
    parties: tuple[PartyFacts, ...]


def problems(facts: LifecycleFacts, to: str, *, today: date, reason: str = "") -> dict[str, list]:
    """{field: [reason, ...]} that keep the agreement from moving to `to`; empty when it may."""
    if to not in ALLOWED.get(facts.status, set()):
        return {"status": [_("This change is not possible from the agreement's current status.")]}
    found: dict[str, list] = {}

    def add(field: str, message) -> None:
        found.setdefault(field, []).append(message)

    if to in {"signed", "active"}:
        if facts.signed_on is None:
            add("signed_on", _("Enter the date the agreement was signed."))
        elif facts.signed_on > today:
            add("signed_on", _("The signature date cannot be in the future."))
    if to == "active":
        unnamed = [p.name for p in facts.parties if not p.signatory_name.strip()]
        unsigned = [p.name for p in facts.parties if not p.signed]
        if unnamed:
            add("parties", _("Name the signatory of every party before activating: %(names)s.")
                % {"names": ", ".join(unnamed)})
        if unsigned:
            add("parties", _("Every party must sign before the agreement becomes active; not signed yet: "
                             "%(names)s.") % {"names": ", ".join(unsigned)})
        if facts.end is not None and facts.end < today:
            add("end", _("The agreement's end date has passed; renew it instead."))
    if to == "terminated" and not reason.strip():
        add("termination_reason", _("Give the reason for terminating the agreement."))
    if to == "expired" and (facts.end is None or facts.end >= today):
        add("end", _("Only an agreement past its end date can expire."))
    return found
