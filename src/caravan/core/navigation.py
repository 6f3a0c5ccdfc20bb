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
    group: str = ""  # entries of one group share a drop-down menu


REGISTRY = _("Registry")
PARTNERSHIPS = _("Partnerships")
TRAINING = _("Training")


ENTRIES: list[NavEntry] = [
    NavEntry(_("Home"), "core:home", "home"),
    NavEntry(_("Facilities"), "registry:facility_list", "facilities", group=REGISTRY),
    NavEntry(_("Practitioners"), "registry:practitioner_list", "practitioners", group=REGISTRY),
    NavEntry(_("Regions"), "registry:region_list", "regions", group=REGISTRY),
    NavEntry(_("Techniques"), "registry:technique_list", "techniques", group=REGISTRY),
    NavEntry(_("Agreements"), "partnerships:agreement_list", "agreements", group=PARTNERSHIPS),
    NavEntry(_("Visits"), "partnerships:visit_list", "visits", group=PARTNERSHIPS),
    NavEntry(_("Network"), "partnerships:network", "network", group=PARTNERSHIPS),
    NavEntry(_("Notifications"), "partnerships:notification_list", "notifications", group=PARTNERSHIPS),
    NavEntry(_("Courses"), "training:course_list", "training", group=TRAINING),
    NavEntry(_("Tele-mentoring"), "training:series_list", "mentoring", group=TRAINING),
    NavEntry(_("Technique transfer"), "transfer:home", "transfer"),
    NavEntry(_("Deployments"), "deployments:home", "deployments"),
    NavEntry(_("Teleconsultation"), "teleconsult:home", "teleconsult"),
    NavEntry(_("Referrals"), "referrals:home", "referrals"),
    NavEntry(_("Indicators"), "indicators:home", "indicators"),
    NavEntry(_("Audit trail"), "core:audit_list", "audit", needs="can_read_audit"),
]


def navigation_for(request, access) -> list[dict]:
    """Menu items; entries of a group become one item with `children` (a drop-down)."""
    current = getattr(request, "nav_section", None) or getattr(getattr(request, "resolver_match", None), "url_name", "")
    items: list[dict] = []
    groups: dict[str, dict] = {}
    for entry in ENTRIES:
        if entry.needs and not getattr(access, entry.needs)():
            continue
        item = {"label": entry.label, "url": reverse(entry.url_name), "section": entry.section,
                "active": current == entry.section}
        if not entry.group:
            items.append(item)
            continue
        group = groups.get(entry.group)
        if group is None:
            group = groups[entry.group] = {"label": entry.group, "children": [], "active": False,
                                           "section": f"group-{len(groups)}"}
            items.append(group)
        group["children"].append(item)
        group["active"] = group["active"] or item["active"]
    return items
