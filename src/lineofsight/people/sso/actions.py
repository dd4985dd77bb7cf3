"""HR's writes about single sign-on: identity providers, the "SSO only" rule and break-glass
admins. Each checks who may make it, is all or nothing, and leaves an audit row (a client
secret never: only that it changed)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.people.accounts import sso_only
from lineofsight.people.models import IdentityProvider, Organisation, Person, Team
from lineofsight.people.sso import discovery, secrets

DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
KINDS = {k.value for k in IdentityProvider.Kind}
CLIENT_AUTHS = {c.value for c in IdentityProvider.ClientAuth}
# What an audit row says about a provider's settings (never the secret itself).
AUDITED = (
    "name",
    "slug",
    "kind",
    "issuer",
    "client_id",
    "client_auth",
    "scopes",
    "trust_email",
    "allowed_domains",
    "create_people",
    "holding_team_id",
    "enabled",
)


def require_hr(acting_user: Person | None) -> None:
    if acting_user is not None and not acting_user.is_hr_admin:
        raise NotAllowed("Only HR admins set up sign-in.")


@dataclass
class ProviderInput:
    """What HR gives for a provider; ``client_secret`` None keeps the stored one."""

    name: str
    issuer: str
    client_id: str
    client_secret: str | None = None
    slug: str = ""
    kind: str = IdentityProvider.Kind.OIDC
    client_auth: str = IdentityProvider.ClientAuth.BASIC
    scopes: str = "openid email profile"
    trust_email: bool = False
    allowed_domains: str = ""
    create_people: bool = False
    holding_team: Team | None = None
    enabled: bool = True
    errors: dict[str, str] = field(default_factory=dict)


def _checked(data: ProviderInput, provider: IdentityProvider | None) -> dict[str, object]:
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = "Enter the name shown on the sign-in button."
    elif len(name) > 100:
        errors["name"] = "Keep the name to 100 characters."
    slug = slugify(data.slug.strip() or name)[:50]
    if not slug:
        errors["slug"] = "Enter a short name of letters, digits and hyphens."
    elif (
        IdentityProvider.objects.filter(slug=slug)
        .exclude(pk=provider.pk if provider is not None else 0)
        .exists()
    ):
        errors["slug"] = f"Another provider already uses {slug!r}."
    if data.kind not in KINDS:
        errors["kind"] = f"Choose one of {', '.join(sorted(KINDS))}."
    if data.client_auth not in CLIENT_AUTHS:
        errors["client_auth"] = f"Choose one of {', '.join(sorted(CLIENT_AUTHS))}."
    client_id = data.client_id.strip()
    if not client_id:
        errors["client_id"] = "Enter the client id the provider gave this application."
    elif len(client_id) > 255:
        errors["client_id"] = "The client id is longer than 255 characters."
    secret = (data.client_secret or "").strip()
    if not secret and (provider is None or not provider.client_secret_encrypted):
        errors["client_secret"] = "Enter the client secret the provider gave."  # noqa: S105
    scopes = " ".join(data.scopes.split())
    if "openid" not in scopes.split():
        errors["scopes"] = "The scopes must include openid (and email, to match people)."
    elif len(scopes) > 300:
        errors["scopes"] = "Keep the scopes to 300 characters."
    domains = [d.lower().lstrip("@") for d in data.allowed_domains.replace(",", " ").split()]
    bad = [d for d in domains if not DOMAIN_RE.match(d)]
    if bad:
        errors["allowed_domains"] = f"Not a domain: {', '.join(bad)}."
    elif len(" ".join(domains)) > 500:
        errors["allowed_domains"] = "Keep the domains to 500 characters."
    if data.create_people and data.holding_team is None:
        errors["holding_team"] = "Choose the team new people join."
    if errors:
        raise InvalidInput(errors)
    return {
        "name": name,
        "slug": slug,
        "kind": data.kind,
        "client_id": client_id,
        "client_auth": data.client_auth,
        "scopes": scopes,
        "trust_email": data.trust_email,
        "allowed_domains": " ".join(domains),
        "create_people": data.create_people,
        "holding_team": data.holding_team,
        "enabled": data.enabled,
        "secret": secret,
    }


def _discover(issuer: str) -> discovery.Discovered:
    try:
        return discovery.discover(issuer)
    except discovery.DiscoveryError as exc:
        raise InvalidInput.one("issuer", str(exc)) from None


def _check_sso_only_keeps_a_way_in(exclude: IdentityProvider) -> None:
    org = Organisation.objects.only("sso_only").order_by("pk").first()
    if org is not None and org.sso_only:
        others = IdentityProvider.objects.filter(enabled=True).exclude(pk=exclude.pk)
        if not others.exists():
            raise InvalidInput.one(
                "enabled",
                "Sign-in is single sign-on only and this is the last provider turned on; "
                "turn SSO only off first.",
            )


def save_provider(
    *, acting_user: Person | None, provider: IdentityProvider | None, data: ProviderInput
) -> IdentityProvider:
    """Add a provider (``provider`` None) or change one; its issuer's discovery document is
    read first (a clear error on ``issuer`` when it cannot be), so nothing is saved with an
    issuer that does not answer."""
    require_hr(acting_user)
    values = _checked(data, provider)
    found = _discover(data.issuer)
    with transaction.atomic():
        creating = provider is None
        if provider is not None:
            provider = IdentityProvider.objects.select_for_update().get(pk=provider.pk)
            if provider.enabled and not values["enabled"]:
                _check_sso_only_keeps_a_way_in(provider)
        target = provider or IdentityProvider()
        before = {key: getattr(target, key) for key in AUDITED} if not creating else {}
        secret = values.pop("secret")
        for key, value in values.items():
            setattr(target, key, value)
        target.issuer = found.issuer
        target.authorization_endpoint = found.authorization_endpoint
        target.token_endpoint = found.token_endpoint
        target.jwks_uri = found.jwks_uri
        target.userinfo_endpoint = found.userinfo_endpoint
        target.discovered_at = timezone.now()
        if secret:
            target.client_secret_encrypted = secrets.encrypt(str(secret))
        target.save()
        after = {key: getattr(target, key) for key in AUDITED}
        if creating:
            audit.record(
                actor=acting_user, action="sso_provider.create", subject=target, data=after
            )
        else:
            changed = {
                key: {"from": before[key], "to": after[key]}
                for key in AUDITED
                if before[key] != after[key]
            }
            if secret:
                changed["client_secret"] = {"from": "[secret]", "to": "[new secret]"}
            audit.record(
                actor=acting_user, action="sso_provider.update", subject=target, data=changed
            )
    return target


@transaction.atomic
def delete_provider(*, acting_user: Person | None, provider: IdentityProvider) -> None:
    require_hr(acting_user)
    provider = IdentityProvider.objects.select_for_update().get(pk=provider.pk)
    if provider.enabled:
        _check_sso_only_keeps_a_way_in(provider)
    audit.record(
        actor=acting_user,
        action="sso_provider.delete",
        subject=provider,
        data={"name": provider.name, "slug": provider.slug, "issuer": provider.issuer},
    )
    provider.delete()


def break_glass_admins() -> list[Person]:
    return list(Person.objects.filter(break_glass=True, is_active=True, is_hr_admin=True))


@transaction.atomic
def set_sso_only(*, acting_user: Person | None, on: bool) -> Organisation:
    """Turn password sign-in off for everyone but break-glass HR admins (or back on).

    Turning it on needs a provider turned on and an active break-glass HR admin, so that
    someone can still get in when the provider fails; the operator can always turn it off
    (``lineofsight sso password-sign-in on``)."""
    require_hr(acting_user)
    org = Organisation.objects.select_for_update().order_by("pk").first()
    if org is None:
        org = Organisation.objects.create()
    if on:
        if not IdentityProvider.objects.filter(enabled=True).exists():
            raise InvalidInput.one("sso_only", "Add an identity provider and turn it on first.")
        if not break_glass_admins():
            raise InvalidInput.one(
                "sso_only",
                "Name at least one active HR admin as a break-glass admin first, who can "
                "sign in with a password if the provider fails.",
            )
    before = org.sso_only
    org.sso_only = on
    org.save(update_fields=["sso_only"])
    audit.record(
        actor=acting_user,
        action="organisation.sso_only",
        subject=org,
        data={"sso_only": {"from": before, "to": on}},
    )
    return org


@transaction.atomic
def set_break_glass(*, acting_user: Person | None, person: Person, on: bool) -> Person:
    """Name an HR admin who may still sign in with a password while sign-in is SSO only."""
    require_hr(acting_user)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if on and not (person.is_active and person.is_hr_admin):
        raise InvalidInput.one(
            "person", f"{person.name} is not an active HR admin; only they can be break-glass."
        )
    if not on and person.break_glass:
        org = Organisation.objects.only("sso_only").order_by("pk").first()
        others = [p for p in break_glass_admins() if p.pk != person.pk]
        if org is not None and org.sso_only and not others:
            raise InvalidInput.one(
                "person",
                f"{person.name} is the last break-glass admin and sign-in is SSO only; "
                "name another first.",
            )
    before = person.break_glass
    person.break_glass = on
    person.save(update_fields=["break_glass"])
    audit.record(
        actor=acting_user,
        action="person.break_glass",
        subject=person,
        data={"break_glass": {"from": before, "to": on}},
    )
    return person


def may_use_password(person: Person) -> bool:
    """Whether ``person`` may sign in with (or be sent a link to set) a password now."""
    return not sso_only() or (person.break_glass and person.is_hr_admin and person.is_active)
