"""SCIM bearer tokens: made and revoked by HR, checked on every SCIM request.

A SCIM token opens ``/scim/v2/`` and nothing else; a personal API token never opens it
(they live in different tables and start differently). Only the SHA-256 of a token is kept;
the token itself is shown once, when it is made.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.people.models import Person, ScimToken

SCIM_TOKEN_PREFIX = "scim_"  # noqa: S105 - a marker, not a secret
MAX_LIVE_TOKENS = 10
# "Last used" is written at most this often, not on every request of a sync.
LAST_USED_EVERY_SECONDS = 60


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _require_hr(acting_user: Person | None) -> None:
    if acting_user is not None and not (acting_user.is_active and acting_user.is_hr_admin):
        raise NotAllowed("Only HR admins manage provisioning tokens.")


@transaction.atomic
def create_scim_token(*, acting_user: Person | None, name: str) -> tuple[ScimToken, str]:
    """Make a token for an identity provider; returns the row and the token, shown once."""
    _require_hr(acting_user)
    name = (name or "").strip()
    if not name:
        raise InvalidInput.one("name", "Name the token after the provider (e.g. 'Entra ID').")
    if len(name) > 100:
        raise InvalidInput.one("name", "Keep the name under 100 characters.")
    if ScimToken.objects.filter(revoked_at__isnull=True).count() >= MAX_LIVE_TOKENS:
        raise InvalidInput.one(
            "name", f"There are already {MAX_LIVE_TOKENS} live tokens; revoke one first."
        )
    raw = SCIM_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ScimToken.objects.create(
        name=name,
        prefix=raw[: len(SCIM_TOKEN_PREFIX) + 6],
        digest=_digest(raw),
        created_by=acting_user,
        created_at=timezone.now(),
    )
    audit.record(actor=acting_user, action="scim_token.create", subject=token, data={"name": name})
    return token, raw


@transaction.atomic
def revoke_scim_token(*, acting_user: Person | None, token: ScimToken) -> ScimToken:
    """Stop a token at once: the provider's next request is refused."""
    _require_hr(acting_user)
    token = ScimToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise InvalidInput.one("token", f"The token {token.name!r} is already revoked.")
    token.revoked_at = timezone.now()
    token.revoked_by = acting_user
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(
        actor=acting_user, action="scim_token.revoke", subject=token, data={"name": token.name}
    )
    return token


def scim_tokens_for_user(user: Person) -> QuerySet[ScimToken]:
    """HR sees every provisioning token (never the token itself); others none."""
    if not (user.is_authenticated and user.is_active and user.is_hr_admin):
        return ScimToken.objects.none()
    return ScimToken.objects.select_related("created_by", "revoked_by")


def authenticate(header: str) -> ScimToken | None:
    """The live token an ``Authorization: Bearer ...`` header carries, or None."""
    scheme, _, raw = (header or "").partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw.startswith(SCIM_TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = ScimToken.objects.filter(digest=_digest(raw), revoked_at__isnull=True).first()
    if token is None:
        return None
    now = timezone.now()
    if (
        token.last_used_at is None
        or (now - token.last_used_at).total_seconds() > LAST_USED_EVERY_SECONDS
    ):
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
