"""Local accounts: changing one's password, the second factor, and signed-in sessions.

Every change here is a named action: it checks who may make it and leaves an audit row (never
a password, a secret or a code). The second factor is django-otp's: a TOTP device (an
authenticator app) and a static device holding ten one-time recovery codes. Sessions are
``SignInSession`` rows beside Django's own session store (see docs/identity.md for why).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.people.accounts import store_password
from lineofsight.people.models import Organisation, Person, SignInSession

RECOVERY_CODES = 10
DEVICE_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
# How often a session's "last seen" is written: not on every request.
LAST_SEEN_EVERY = dt.timedelta(minutes=1)


def _own(acting_user: Person, person: Person, what: str) -> None:
    if acting_user.pk != person.pk:
        raise NotAllowed(f"Only the account's owner {what}.")


def _normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


# --- password -----------------------------------------------------------------------------


@transaction.atomic
def change_own_password(
    *, acting_user: Person, person: Person, current: str, new: str, repeat: str
) -> Person:
    """The signed-in person changes their password; errors name the form's fields.

    The caller keeps the current session signed in (``update_session_auth_hash``) and ends
    the others (``end_other_sessions``); Django already refuses them once the password changed.
    """
    _own(acting_user, person, "changes its password")
    if not current or not person.check_password(current):
        raise InvalidInput.one("old_password", "This is not your current password.")
    if not new:
        raise InvalidInput.one("new_password1", "Enter a new password.")
    if new != repeat:
        raise InvalidInput.one("new_password2", "The two new passwords do not match.")
    if new == current:
        raise InvalidInput.one("new_password1", "Choose a password other than the current one.")
    return store_password(acting_user, person, new, action="person.change_password")


# --- second factor --------------------------------------------------------------------------


def has_second_factor(person: Person) -> bool:
    return bool(person.pk) and TOTPDevice.objects.filter(user=person, confirmed=True).exists()


def pending_device(person: Person) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=person, confirmed=False).order_by("-pk").first()


def recovery_codes_left(person: Person) -> int:
    return StaticToken.objects.filter(device__user=person, device__confirmed=True).count()


def second_factor_required(person: Person) -> bool:
    """HR admins must have one when the organisation says so."""
    if not person.is_hr_admin:
        return False
    org = Organisation.objects.only("require_second_factor_for_hr").first()
    return bool(org and org.require_second_factor_for_hr)


@transaction.atomic
def start_second_factor(*, acting_user: Person, person: Person) -> TOTPDevice:
    """A new, unconfirmed authenticator secret (any earlier unconfirmed one is dropped)."""
    _own(acting_user, person, "sets up its second factor")
    if has_second_factor(person):
        raise InvalidInput.one("code", "A second factor is already set up; turn it off first.")
    TOTPDevice.objects.filter(user=person, confirmed=False).delete()
    return TOTPDevice.objects.create(user=person, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def confirm_second_factor(*, acting_user: Person, person: Person, code: str) -> list[str]:
    """Confirm the pending secret with a first code; returns the ten recovery codes, which
    are shown this once (the device keeps them, but they are never shown again)."""
    _own(acting_user, person, "sets up its second factor")
    device = pending_device(person)
    if device is None:
        raise InvalidInput.one(
            "code", "Start again: there is no authenticator waiting to be set up."
        )
    token = _normalise_code(code)
    if not (token.isdigit() and len(token) == device.digits):
        raise InvalidInput.one("code", f"Enter the {device.digits}-digit code the app shows.")
    if not device.verify_token(token):
        raise InvalidInput.one("code", "That code is not right; check the app's clock and retry.")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=person).delete()
    static = StaticDevice.objects.create(user=person, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    audit.record(
        actor=acting_user,
        action="person.second_factor_on",
        subject=person,
        data={"recovery_codes": RECOVERY_CODES},
    )
    return codes


@transaction.atomic
def disable_second_factor(*, acting_user: Person, person: Person, proof: str) -> None:
    """Turn the second factor off; ``proof`` is a current code or the password."""
    _own(acting_user, person, "turns off its second factor")
    if not has_second_factor(person):
        raise InvalidInput.one("proof", "No second factor is set up.")
    proof = proof.strip()
    if not proof:
        raise InvalidInput.one("proof", "Enter a code from the app, or your password.")
    if not (person.check_password(proof) or verify_second_step(person, proof)):
        raise InvalidInput.one("proof", "That is neither a current code nor your password.")
    for device in devices_for_user(person, confirmed=None):
        device.delete()
    audit.record(actor=acting_user, action="person.second_factor_off", subject=person)


@transaction.atomic
def remove_second_factor(*, acting_user: Person | None, person: Person) -> bool:
    """The operator removes someone's second factor (their phone and recovery codes are both
    lost); returns whether there was one. Nobody in the app can: it would undo the owner's
    protection."""
    if acting_user is not None:
        raise NotAllowed("Only the operator removes someone's second factor.")
    devices = list(devices_for_user(person, confirmed=None))
    for device in devices:
        device.delete()
    audit.record(
        actor=None,
        action="person.second_factor_remove",
        subject=person,
        data={"had_one": bool(devices)},
    )
    return bool(devices)


def verify_second_step(person: Person, code: str) -> str | None:
    """Check a sign-in code: ``"totp"`` or ``"recovery"`` (now used up) when right, else None.

    Six digits go to the authenticator app's device, anything else to the recovery codes,
    so a recovery code does not count as a wrong app code (django-otp slows a device down
    after each wrong code, on top of the sign-in lockout).
    """
    token = _normalise_code(code)
    if not token:
        return None
    if token.isdigit() and len(token) == 6:
        devices = TOTPDevice.objects.filter(user=person, confirmed=True)
        kind = "totp"
    else:
        devices = StaticDevice.objects.filter(user=person, confirmed=True)  # type: ignore[assignment]
        kind = "recovery"
    for device in devices:
        if device.verify_token(token):
            return kind
    return None


@transaction.atomic
def set_hr_second_factor_rule(*, acting_user: Person | None, required: bool) -> Organisation:
    """HR decides whether HR admins need a second factor."""
    if acting_user is not None and not acting_user.is_hr_admin:
        raise NotAllowed("Only HR admins change who needs a second factor.")
    org = Organisation.objects.select_for_update().first()
    if org is None:
        org = Organisation.objects.create()
    before = org.require_second_factor_for_hr
    org.require_second_factor_for_hr = required
    org.save(update_fields=["require_second_factor_for_hr"])
    audit.record(
        actor=acting_user,
        action="organisation.second_factor_rule",
        subject=org,
        data={"require_second_factor_for_hr": {"from": before, "to": required}},
    )
    return org


# --- sessions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Client:
    ip_address: str | None
    user_agent: str


def start_session(*, person: Person, session_key: str, client: Client) -> SignInSession:
    """Called as someone signs in (not an action: the sign-in itself is the person's own)."""
    now = timezone.now()
    return SignInSession.objects.create(
        person=person,
        session_key=session_key or "",
        started_at=now,
        last_seen_at=now,
        ip_address=client.ip_address,
        user_agent=client.user_agent[:300],
    )


def seen(row: SignInSession, *, session_key: str, client: Client) -> None:
    """Note a request on the session, at most once a minute (and a new key at once)."""
    now = timezone.now()
    if now - row.last_seen_at < LAST_SEEN_EVERY and row.session_key == (session_key or ""):
        return
    SignInSession.objects.filter(pk=row.pk).update(
        last_seen_at=now, session_key=session_key or "", ip_address=client.ip_address
    )


def open_sessions(person: Person) -> QuerySet[SignInSession]:
    return SignInSession.objects.filter(person=person, ended_at__isnull=True).order_by(
        "-last_seen_at"
    )


def _end(rows: QuerySet[SignInSession], reason: str) -> list[int]:
    from django.contrib.sessions.models import Session

    ids = list(rows.values_list("pk", flat=True))
    keys = [k for k in rows.values_list("session_key", flat=True) if k]
    rows.update(ended_at=timezone.now(), end_reason=reason)
    Session.objects.filter(session_key__in=keys).delete()
    return ids


def end_all_sessions(*, person: Person, reason: str) -> int:
    """End every open session of ``person`` at once (part of deactivating them); returns how
    many. The caller's action records it."""
    return len(_end(open_sessions(person), reason))


def end_session_on_sign_out(row_id: int | None) -> None:
    if row_id:
        SignInSession.objects.filter(pk=row_id, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason="signed out"
        )


@transaction.atomic
def revoke_session(*, acting_user: Person, row: SignInSession, current_id: int | None) -> None:
    """End one of one's own sessions (not the one in use: signing out does that)."""
    _own(acting_user, row.person, "ends its sessions")
    if row.pk == current_id:
        raise InvalidInput.one("session", "This is the session you are using; sign out instead.")
    row.refresh_from_db(fields=["ended_at"])
    if row.ended_at is not None:
        raise InvalidInput.one("session", "That session has already ended.")
    _end(SignInSession.objects.filter(pk=row.pk), "revoked")
    audit.record(
        actor=acting_user,
        action="person.session_revoke",
        subject=row.person,
        data={"session": row.pk},
    )


@transaction.atomic
def end_other_sessions(
    *, acting_user: Person, person: Person, current_id: int | None, reason: str = "revoked"
) -> int:
    """End every open session of ``person`` but the one in use; returns how many."""
    _own(acting_user, person, "ends its sessions")
    others = open_sessions(person)
    if current_id is not None:
        others = others.exclude(pk=current_id)
    ended = _end(others, reason)
    if reason == "revoked":
        audit.record(
            actor=acting_user,
            action="person.session_revoke_others",
            subject=person,
            data={"sessions": ended},
        )
    return len(ended)
