"""Personal API tokens: created, listed, revoked and checked here only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import TOKEN_PREFIX, ApiToken, hash_token

if TYPE_CHECKING:
    # The signed-in person is the user model (``AUTH_USER_MODEL``, ``people.Person``): named
    # here for type checking only; the core never imports the people app at run time.
    from lineofsight.people.models import Person

MAX_LIVE_TOKENS = 20


@transaction.atomic
def create_token(*, acting_user: Person | None, person: Person, name: str) -> tuple[ApiToken, str]:
    """Make a token for ``person``; returns the row and the secret, which is shown only once."""
    if acting_user is not None and acting_user.pk != person.pk:
        # A token acts as its owner: whoever held one made for someone else could act as them.
        raise NotAllowed("You can only create tokens for yourself.")
    name = (name or "").strip()
    if not name:
        raise InvalidInput.one("name", "Name the token after what will use it (e.g. 'CRM sync').")
    if len(name) > 100:
        raise InvalidInput.one("name", "Keep the name under 100 characters.")
    if not person.is_active:
        raise InvalidInput.one("person", f"{person.name} is not active.")
    if ApiToken.objects.live().filter(person=person).count() >= MAX_LIVE_TOKENS:
        raise InvalidInput.one(
            "name", f"{person.name} already has {MAX_LIVE_TOKENS} live tokens; revoke one first."
        )
    raw = ApiToken.new_secret()
    token = ApiToken.objects.create(
        person=person, name=name, prefix=raw[: len(TOKEN_PREFIX) + 6], digest=hash_token(raw)
    )
    audit.record(
        actor=acting_user,
        action="token.create",
        subject=token,
        data={"person": person.pk, "name": name},
    )
    return token, raw


@transaction.atomic
def revoke_token(*, acting_user: Person | None, token: ApiToken) -> ApiToken:
    if (
        acting_user is not None
        and acting_user.pk != token.person_id
        and not acting_user.is_hr_admin
    ):
        raise NotAllowed("You can only revoke your own tokens.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=acting_user, action="token.revoke", subject=token)
    return token


def tokens_for_user(user: Person) -> QuerySet[ApiToken]:
    """A person sees their own tokens; HR sees everyone's (never the secrets)."""
    if not (user.is_authenticated and user.is_active):
        return ApiToken.objects.none()
    qs = ApiToken.objects.select_related("person")
    return qs if user.is_hr_admin else qs.filter(person=user)


def authenticate(raw: str) -> Person | None:
    """The active person owning this live token, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.live()
        .select_related("person")
        .filter(digest=hash_token(raw), person__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person
