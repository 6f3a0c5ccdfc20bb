"""Which consultant a case goes to: a partner-side consultant of the agreement, with the specialty,
taking cases, with the fewest open cases (then the longest-standing account, so the choice is stable)."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from caravan.core.models import Membership
from caravan.core.roles import Role
from caravan.partnerships.models import AgreementParty

from .models import OPEN_STATUSES


def eligible_consultants(*, agreement_id: int, specialty_id: int, requesting_path: str, exclude_ids=()):
    """Users who may be assigned the case, least loaded first."""
    party_paths = list(AgreementParty.objects.filter(agreement_id=agreement_id)
                       .values_list("organisation__path", flat=True))
    under_party = Q(pk__in=[])
    for path in party_paths:
        under_party |= Q(organisation__path__startswith=path)
    member_ids = (Membership.objects.filter(under_party, role=Role.CONSULTANT)
                  .exclude(organisation__path__startswith=requesting_path).values("user_id"))
    return (
        get_user_model().objects.filter(
            pk__in=member_ids, is_active=True, consultant_profile__available=True,
            consultant_profile__specialties=specialty_id,
        )
        .exclude(pk__in=list(exclude_ids))
        .annotate(load=Count("teleconsult_assigned", filter=Q(teleconsult_assigned__status__in=OPEN_STATUSES)))
        .order_by("load", "date_joined", "pk")
    )
