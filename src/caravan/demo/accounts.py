"""The demo logins: one password for all of them, documented in the README and printed by `caravan demo`."""

from caravan.core.roles import Role

from .spec import UserSpec

# Every demo login, including the node administrator, uses this password. It is a demo:
# change it (or drop the demo users) before a node holds real data.
DEMO_PASSWORD = "caravan-demo"

NODE_ADMIN = UserSpec(
    username="admin", role="superuser", organisations=(), display_name="Node administrator",
    language="en", time_zone="UTC",
)

ROLES = (Role.ADMIN, Role.COORDINATOR, Role.CLINICIAN, Role.CONSULTANT, Role.ANALYST)


def users_for(prefix: str, *, language: str, time_zone: str, seats: dict[str, tuple[tuple[str, ...], str]]
              ) -> tuple[UserSpec, ...]:
    """One login per role: `seats[role]` = (organisation codes, display name); username `<prefix>.<role>`."""
    missing = [role for role in ROLES if role not in seats]
    if missing:
        raise ValueError(f"{prefix}: no demo user for {missing}")
    return tuple(
        UserSpec(username=f"{prefix}.{role}", role=role, organisations=seats[role][0], display_name=seats[role][1],
                 language=language, time_zone=time_zone)
        for role in ROLES
    )
