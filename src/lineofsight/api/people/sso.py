"""Single sign-on over the API (HR admins): identity providers and the sign-in rules.

* ``GET /identity-providers``, ``POST``, ``GET|PATCH|DELETE /identity-providers/{id}``: the
  OpenID Connect providers people sign in with. ``client_secret`` is write-only: it is never
  answered, only whether one is stored. Saving reads the issuer's discovery document (a 422
  on ``issuer`` when it cannot be read or does not fit).
* ``GET|PATCH /sign-in``: whether sign-in is single sign-on only, and the break-glass admins;
  ``PUT|DELETE /sign-in/break-glass/{person_id}`` names or drops one.

Everyone else gets 403. The same named actions as HR's page: audited, all or nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from lineofsight.access.policy import Viewer
from lineofsight.api.auth import caller
from lineofsight.api.base import Input, References
from lineofsight.api.errors import WRITE_ERRORS
from lineofsight.api.types import Flag, Id, ParamId, optional
from lineofsight.core.errors import NotAllowed
from lineofsight.people.models import IdentityProvider, Organisation, Person, Team
from lineofsight.people.sso import actions
from lineofsight.people.sso.backend import callback_url

providers = Router(tags=["single sign-on"])
sign_in = Router(tags=["single sign-on"])

Kind = Literal["entra", "google", "okta", "oidc"]
ClientAuth = Literal["client_secret_basic", "client_secret_post"]


def _hr(request: HttpRequest) -> Person:
    user = caller(request)
    if not Viewer.of(user).can_manage_people():
        raise NotAllowed("Only HR admins set up sign-in.")
    return user


class ProviderOut(Schema):
    id: int
    name: str
    slug: str
    kind: str
    issuer: str
    client_id: str
    has_client_secret: bool = Field(description="Whether a secret is stored; it is never shown.")
    client_auth: str
    scopes: str
    trust_email: bool
    allowed_domains: list[str]
    create_people: bool
    holding_team: int | None
    enabled: bool
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str
    discovered_at: dt.datetime | None
    redirect_uri: str = Field(description="The redirect URI to register with the provider.")


class ProviderIn(Input):
    name: str = Field(max_length=100)
    issuer: str = Field(max_length=500)
    client_id: str = Field(max_length=255)
    client_secret: str = Field(max_length=1000, description="Write-only.")
    slug: str = Field("", max_length=50, description="Empty: made from the name.")
    kind: Kind = "oidc"
    client_auth: ClientAuth = "client_secret_basic"
    scopes: str = Field("openid email profile", max_length=300)
    trust_email: Flag = False
    allowed_domains: list[str] = Field(default_factory=list, max_length=50)
    create_people: Flag = False
    holding_team: Id | None = None
    enabled: Flag = True


class ProviderPatch(Input):
    name: str = optional(max_length=100)
    issuer: str = optional(max_length=500)
    client_id: str = optional(max_length=255)
    client_secret: str = optional(max_length=1000, description="Write-only; a new secret.")
    slug: str = optional(max_length=50)
    kind: Kind = optional()
    client_auth: ClientAuth = optional()
    scopes: str = optional(max_length=300)
    trust_email: Flag = optional()
    allowed_domains: list[str] = optional(max_length=50)
    create_people: Flag = optional()
    holding_team: Id | None = optional()
    enabled: Flag = optional()


def _out(p: IdentityProvider) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "slug": p.slug,
        "kind": p.kind,
        "issuer": p.issuer,
        "client_id": p.client_id,
        "has_client_secret": bool(p.client_secret_encrypted),
        "client_auth": p.client_auth,
        "scopes": p.scopes,
        "trust_email": p.trust_email,
        "allowed_domains": p.domains,
        "create_people": p.create_people,
        "holding_team": p.holding_team_id,
        "enabled": p.enabled,
        "authorization_endpoint": p.authorization_endpoint,
        "token_endpoint": p.token_endpoint,
        "jwks_uri": p.jwks_uri,
        "userinfo_endpoint": p.userinfo_endpoint,
        "discovered_at": p.discovered_at,
        "redirect_uri": callback_url(),
    }


def _team(refs: References, team_id: int | None) -> Team | None:
    return refs.get(Team.objects.all(), team_id, "holding_team", "team")


@providers.get("", response={200: list[ProviderOut], **WRITE_ERRORS})
def list_identity_providers(request: HttpRequest) -> Any:
    """The identity providers (HR admins)."""
    _hr(request)
    return [_out(p) for p in IdentityProvider.objects.all()]


@providers.post("", response={201: ProviderOut, **WRITE_ERRORS})
def add_identity_provider(request: HttpRequest, payload: ProviderIn) -> Any:
    """Add a provider; its discovery document is read first."""
    user = _hr(request)
    refs = References()
    team = _team(refs, payload.holding_team)
    refs.check()
    data = actions.ProviderInput(
        name=payload.name,
        slug=payload.slug,
        kind=payload.kind,
        issuer=payload.issuer,
        client_id=payload.client_id,
        client_secret=payload.client_secret,
        client_auth=payload.client_auth,
        scopes=payload.scopes,
        trust_email=payload.trust_email,
        allowed_domains=" ".join(payload.allowed_domains),
        create_people=payload.create_people,
        holding_team=team,
        enabled=payload.enabled,
    )
    provider = actions.save_provider(acting_user=user, provider=None, data=data)
    return Status(201, _out(provider))


@providers.get("/{id}", response={200: ProviderOut, **WRITE_ERRORS})
def get_identity_provider(request: HttpRequest, id: ParamId) -> Any:
    _hr(request)
    return _out(IdentityProvider.objects.get(pk=id))


@providers.patch("/{id}", response={200: ProviderOut, **WRITE_ERRORS})
def change_identity_provider(request: HttpRequest, id: ParamId, payload: ProviderPatch) -> Any:
    """Change a provider: only the fields sent (the discovery document is read again)."""
    user = _hr(request)
    provider = IdentityProvider.objects.get(pk=id)
    given = payload.model_fields_set
    refs = References()
    for name in given:
        if name != "holding_team" and getattr(payload, name) is None:
            refs.error(name, "Leave it out to keep it; it cannot be null.")
    team = provider.holding_team
    if "holding_team" in given:
        team = _team(refs, payload.holding_team)
    refs.check()

    def pick(name: str) -> Any:
        return getattr(payload, name) if name in given else getattr(provider, name)

    data = actions.ProviderInput(
        name=pick("name"),
        slug=pick("slug"),
        kind=pick("kind"),
        issuer=pick("issuer"),
        client_id=pick("client_id"),
        client_secret=payload.client_secret if "client_secret" in given else None,
        client_auth=pick("client_auth"),
        scopes=pick("scopes"),
        trust_email=pick("trust_email"),
        allowed_domains=(
            " ".join(payload.allowed_domains or [])
            if "allowed_domains" in given
            else provider.allowed_domains
        ),
        create_people=pick("create_people"),
        holding_team=team,
        enabled=pick("enabled"),
    )
    return _out(actions.save_provider(acting_user=user, provider=provider, data=data))


@providers.delete("/{id}", response={204: None, **WRITE_ERRORS})
def remove_identity_provider(request: HttpRequest, id: ParamId) -> Any:
    user = _hr(request)
    actions.delete_provider(acting_user=user, provider=IdentityProvider.objects.get(pk=id))
    return Status(204, None)


class SignInOut(Schema):
    sso_only: bool
    break_glass: list[int] = Field(description="Ids of the break-glass HR admins.")
    redirect_uri: str


class SignInPatch(Input):
    sso_only: Flag = optional()


def _sign_in_out() -> dict[str, Any]:
    return {
        "sso_only": Organisation.current().sso_only,
        "break_glass": [p.pk for p in actions.break_glass_admins()],
        "redirect_uri": callback_url(),
    }


@sign_in.get("", response={200: SignInOut, **WRITE_ERRORS})
def get_sign_in_rules(request: HttpRequest) -> Any:
    _hr(request)
    return _sign_in_out()


@sign_in.patch("", response={200: SignInOut, **WRITE_ERRORS})
def change_sign_in_rules(request: HttpRequest, payload: SignInPatch) -> Any:
    """Turn single sign-on only on or off."""
    user = _hr(request)
    if "sso_only" in payload.model_fields_set:
        refs = References()
        if payload.sso_only is None:
            refs.error("sso_only", "Send true or false.")
        refs.check()
        actions.set_sso_only(acting_user=user, on=bool(payload.sso_only))
    return _sign_in_out()


@sign_in.put("/break-glass/{person_id}", response={200: SignInOut, **WRITE_ERRORS})
def add_break_glass_admin(request: HttpRequest, person_id: ParamId) -> Any:
    user = _hr(request)
    actions.set_break_glass(acting_user=user, person=Person.objects.get(pk=person_id), on=True)
    return _sign_in_out()


@sign_in.delete("/break-glass/{person_id}", response={200: SignInOut, **WRITE_ERRORS})
def remove_break_glass_admin(request: HttpRequest, person_id: ParamId) -> Any:
    user = _hr(request)
    actions.set_break_glass(acting_user=user, person=Person.objects.get(pk=person_id), on=False)
    return _sign_in_out()
