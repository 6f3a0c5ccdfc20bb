"""The main navigation: only modules that exist, only what the user may open.

A module registers its entries here; the order is the order of the menu.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    section: str
    needs: str = ""  # an Access predicate name, e.g. "can_read_audit"


ENTRIES: list[NavEntry] = [
    NavEntry(_("Home"), "core:home", "home"),
    NavEntry(_("Facilities"), "registry:facility_list", "facilities"),
    NavEntry(_("Practitioners"), "registry:practitioner_list", "practitioners"),
    NavEntry(_("Regions"), "registry:region_list", "regions"),
    NavEntry(_("Techniques"), "registry:technique_list", "techniques"),
    NavEntry(_("Audit trail"), "core:audit_list", "audit", needs="can_read_audit"),
]


def navigation_for(request, access) -> list[dict]:
    current = getattr(request, "nav_section", None) or getattr(getattr(request, "resolver_match", None), "url_name", "")
    items = []
    for entry in ENTRIES:
        if entry.needs and not getattr(access, entry.needs)():
            continue
        items.append({"label": entry.label, "url": reverse(entry.url_name), "section": entry.section,
                      "active": current == entry.section})
    return items
