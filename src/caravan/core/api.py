"""Core API: who am I, my profile, and personal tokens."""

from datetime import datetime

from ninja import Query, Router, Schema, Status

from . import selectors, services
from .access import access_for
from .api_pagination import PageQuery, page_of, paginate

router = Router(tags=["account"])


class MembershipOut(Schema):
    organisation_id: int
    role: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    language: str
    time_zone: str
    is_node_admin: bool
    memberships: list[MembershipOut]


class ProfileIn(Schema):
    display_name: str = ""
    language: str
    time_zone: str


@router.get("/me", response=MeOut, summary="The signed-in user and their roles")
def me(request):
    return _me(request.auth)


@router.put("/me/profile", response=MeOut, summary="Change your display name, language and time zone")
def profile_update(request, payload: ProfileIn):
    services.profile_update(by=request.auth, data=payload.dict())
    request.auth.refresh_from_db()
    return _me(request.auth)


def _me(user) -> dict:
    access = access_for(user)
    profile = getattr(user, "profile", None)
    return {
        "id": user.pk,
        "username": user.get_username(),
        "display_name": profile.display_name if profile else "",
        "language": profile.language if profile else "en",
        "time_zone": profile.time_zone if profile else "UTC",
        "is_node_admin": access.is_node_admin,
        "memberships": [{"organisation_id": org_id, "role": role} for org_id, _path, role in access.memberships],
    }


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


class TokenCreatedOut(TokenOut):
    secret: str


def _token_out(token) -> dict:
    return {"id": token.pk, "name": token.name, "prefix": token.prefix, "created_at": token.created_at,
            "last_used_at": token.last_used_at, "revoked": token.revoked_at is not None}


@router.get("/tokens", response=page_of(TokenOut), summary="Your personal API tokens, newest first")
def token_list(request, query: Query[PageQuery]):
    return paginate(selectors.api_tokens_of(user=request.auth), query, row=_token_out)


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Issue a personal API token (the secret is shown once)")
def token_create(request, payload: TokenIn):
    token, secret = services.api_token_create(by=request.auth, name=payload.name)
    return Status(201, {**_token_out(token), "secret": secret})


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke one of your tokens")
def token_revoke(request, token_id: int):
    services.api_token_revoke(by=request.auth, token_id=token_id)
    return Status(204, None)


