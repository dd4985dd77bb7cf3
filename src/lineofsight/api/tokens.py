"""/api/tokens: the caller's personal API tokens. The secret is shown once, at creation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from lineofsight.api.auth import caller
from lineofsight.api.base import Input
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS
from lineofsight.api.types import DateTime, ParamId, TokenName
from lineofsight.core import tokens
from lineofsight.core.models import ApiToken

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: DateTime
    last_used_at: DateTime | None
    revoked_at: DateTime | None
    active: bool


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret. It is shown only now; store it safely.")


class TokenCreate(Input):
    name: TokenName


def token_row(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
        "active": token.revoked_at is None,
    }


@router.get("", response={200: list[TokenOut], **READ_ERRORS})
def list_tokens(request: HttpRequest) -> Any:
    """The caller's tokens, newest first (never their secrets)."""
    user = caller(request)
    return [token_row(t) for t in tokens.tokens_for_user(user).filter(person=user)]


@router.post("", response={201: TokenCreatedOut, **WRITE_ERRORS})
def create_token(request: HttpRequest, payload: TokenCreate) -> Any:
    """Create a token for the caller. Copy ``token`` now: it is not shown again."""
    user = caller(request)
    token, secret = tokens.create_token(acting_user=user, person=user, name=payload.name)
    return Status(201, {**token_row(token), "token": secret})


@router.delete("/{id}", response={204: None, **WRITE_ERRORS})
def revoke_token(request: HttpRequest, id: ParamId) -> Any:
    """Revoke a token; requests using it are refused from now on."""
    user = caller(request)
    token = tokens.tokens_for_user(user).get(pk=id)
    tokens.revoke_token(acting_user=user, token=token)
    return Status(204, None)
