"""Who an identity provider's claims sign in: matched by verified email address, or added
into the provider's holding team when HR allows it.

A refusal is a ``SignInRefused`` with words for the person at the browser; it changes nothing.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from lineofsight.core import audit
from lineofsight.people import actions
from lineofsight.people.models import IdentityProvider, Person

log = logging.getLogger("lineofsight.sso")


class SignInRefused(Exception):
    """A single sign-on that may not go on; ``status`` is the answer's HTTP status."""

    def __init__(self, message: str, *, status: int = 403, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.detail = detail


def _verified(value: Any) -> bool:
    # Some providers send the claim as a string.
    return value is True or (isinstance(value, str) and value.lower() == "true")


def email_of(provider: IdentityProvider, claims: dict[str, Any]) -> str:
    """The claims' email address, once it is one the provider vouches for and HR allows."""
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        raise SignInRefused(
            f"{provider.name} did not send an email address, so Line of Sight cannot tell who "
            "you are. Ask HR to check the provider's scopes (email)."
        )
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise SignInRefused(
            f"{provider.name} sent {email!r}, which is not an email address."
        ) from None
    if not (_verified(claims.get("email_verified")) or provider.trust_email):
        raise SignInRefused(
            f"{provider.name} has not verified the email address {email}, so it cannot be "
            "used to sign in. Verify it with the provider, or ask HR."
        )
    domain = email.rsplit("@", 1)[1].lower()
    if provider.domains and domain not in provider.domains:
        raise SignInRefused(
            f"Addresses at {domain} may not sign in with {provider.name}; ask HR which "
            "account to use."
        )
    return email


def _name(claims: dict[str, Any], email: str) -> str:
    for value in (
        claims.get("name"),
        f"{claims.get('given_name') or ''} {claims.get('family_name') or ''}".strip(),
    ):
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return email.split("@", 1)[0]


def _username(email: str) -> str:
    base = re.sub(r"[^\w.@+-]", "", email.split("@", 1)[0])[:140] or "person"
    candidate, n = base, 1
    while Person.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def person_for(provider: IdentityProvider, claims: dict[str, Any]) -> Person:
    """The active person the claims name; added (audited) when unknown and HR allows it."""
    email = email_of(provider, claims)
    found = list(Person.objects.filter(email__iexact=email)[:2])
    if len(found) > 1:
        raise SignInRefused(
            f"More than one person in Line of Sight has the address {email}; ask HR to give "
            "each their own."
        )
    if found:
        person = found[0]
        if not person.is_active:
            raise SignInRefused(f"The account for {email} is deactivated; ask HR.")
        return person
    if not provider.create_people or provider.holding_team is None:
        raise SignInRefused(f"Nobody in Line of Sight has the address {email}; ask HR to add you.")
    return _add(provider, claims, email)


@transaction.atomic
def _add(provider: IdentityProvider, claims: dict[str, Any], email: str) -> Person:
    assert provider.holding_team is not None
    person = actions.create_person(
        acting_user=None, username=_username(email), display_name=_name(claims, email), email=email
    )
    actions.add_member(acting_user=None, team=provider.holding_team, person=person)
    audit.record(
        actor=None,
        action="person.sso_create",
        subject=person,
        data={"provider": provider.pk, "team": provider.holding_team.pk, "email": email},
    )
    log.info("Added %s on first sign-in with %s.", person.username, provider.slug)
    return person
