"""The five programmes of DOMAIN.md, loaded in this order (shared regions first)."""

from . import emergency, haibei, laocai, mazandaran, silkroad
from .common import SHARED_REGIONS

PROGRAMMES = (
    mazandaran.PROGRAMME,
    laocai.PROGRAMME,
    silkroad.PROGRAMME,
    emergency.PROGRAMME,
    haibei.PROGRAMME,
)

__all__ = ["PROGRAMMES", "SHARED_REGIONS"]
