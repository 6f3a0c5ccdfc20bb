"""Core API: who am I, and personal tokens."""

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
    is_node_admin: bool
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, summary="The signed-in user and their roles")
def me(request):
    user = request.auth
    access = access_for(user)
    profile = getattr(user, "profile", None)
    return {
        "id": user.pk,
        "username": user.get_username(),
        "display_name": profile.display_name if profile else "",
        "language": profile.language if profile else "en",
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


