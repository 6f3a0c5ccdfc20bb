"""What the demo holds, counted from the database, and the logins to try it with."""

from django.contrib.auth import get_user_model
from django.db.models import Count

from caravan.core.models import AuditEvent, Membership, Network, Organisation
from caravan.registry.models import Appointment, Facility, Practitioner, Region, Technique

from .accounts import DEMO_PASSWORD, NODE_ADMIN
from .programmes import PROGRAMMES


def network_counts(network: Network) -> dict[str, int]:
    """Organisations, facilities, practitioners, appointments and logins of one network."""
    orgs = Organisation.objects.filter(networks=network).values("pk")
    return {
        "organisations": Organisation.objects.filter(networks=network).count(),
        "facilities": Facility.objects.filter(organisation__in=orgs).count(),
        "practitioners": Practitioner.objects.filter(organisation__in=orgs).count(),
        "appointments": Appointment.objects.filter(facility__organisation__in=orgs).count(),
        "users": Membership.objects.filter(organisation__in=orgs).values("user").distinct().count(),
    }


def demo_counts() -> tuple[list[str], list[list]]:
    header = ["network", "organisations", "facilities", "practitioners", "appointments", "users"]
    rows = []
    networks = {n.code: n for n in Network.objects.filter(code__in=[p.network_code for p in PROGRAMMES])}
    for programme in PROGRAMMES:
        network = networks.get(programme.network_code)
        if network is not None:
            rows.append([network.name, *network_counts(network).values()])
    rows.append(["Whole node", Organisation.objects.count(), Facility.objects.count(),
                 Practitioner.objects.count(), Appointment.objects.count(), get_user_model().objects.count()])
    return header, rows


def demo_summary() -> str:
    """Reference data and the audit trail, in one line."""
    communes = Region.objects.filter(level=Region.Level.COMMUNE).aggregate(n=Count("pk"))["n"]
    return (f"Regions: {Region.objects.count():,} (of which communes and counties {communes:,}); "
            f"techniques: {Technique.objects.count():,}; audit events: {AuditEvent.objects.count():,}.")


def demo_logins() -> tuple[list[str], list[list]]:
    rows = [[NODE_ADMIN.username, "node administrator", "(all)", DEMO_PASSWORD]]
    for programme in PROGRAMMES:
        rows += [[u.username, u.role, programme.network_name, DEMO_PASSWORD] for u in programme.users]
    return ["username", "role", "network", "password"], rows
