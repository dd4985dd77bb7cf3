"""Sign-in accounts: password reset links, setting one's own password, sign-in lockouts.

Nobody sets a password for someone else. HR sends a reset link to the person's own email
address (Django's password-reset tokens: single use, and void once the password changes);
the person chooses the password. Both steps leave an audit row.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from axes.models import AccessAttempt
from axes.utils import reset as reset_sign_in_failures
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.people.models import Organisation, Person

RESET_SUBJECT = "people/password_reset_subject.txt"
RESET_EMAIL = "people/password_reset_email.txt"


class ResetLinkForm(PasswordResetForm):
    """Django's reset form, for one given person rather than everyone with an address.

    Django's own form leaves out accounts without a usable password; an account HR has just
    made has none yet, and the link is how its owner sets the first one.
    """

    def __init__(self, person: Person) -> None:
        super().__init__(data={"email": person.email})
        self.person = person

    def get_users(self, email: str) -> Iterator[Any]:
        yield self.person


def sso_only() -> bool:
    org = Organisation.objects.only("sso_only").order_by("pk").first()
    return bool(org and org.sso_only)


def reset_mail_context(sent_by: Person | None = None) -> dict[str, Any]:
    """What the reset mail's template needs besides Django's own context."""
    return {"site_url": settings.SITE_URL, "sent_by": sent_by}


@transaction.atomic
def send_password_reset(*, acting_user: Person | None, person: Person) -> None:
    """Email ``person`` a link to choose a new password (HR or the operator sends it)."""
    if acting_user is not None and not acting_user.is_hr_admin:
        raise NotAllowed("Only HR admins send password reset links.")
    if not person.is_active:
        raise InvalidInput.one(
            "person", f"{person.name} is deactivated; reactivate them before sending a link."
        )
    if not person.email:
        raise InvalidInput.one(
            "email", f"{person.name} has no email address to send the link to; add one first."
        )
    if sso_only() and not (person.break_glass and person.is_hr_admin):
        raise InvalidInput.one(
            "person",
            "Sign-in is single sign-on only: only break-glass admins get password links. "
            f"{person.name} signs in with the organisation's identity provider.",
        )
    form = ResetLinkForm(person)
    if not form.is_valid():
        raise InvalidInput.one("email", f"{person.email!r} is not an email address.")
    site = urlsplit(settings.SITE_URL)
    audit.record(
        actor=acting_user,
        action="person.send_password_reset",
        subject=person,
        data={"email": person.email},
    )
    # Sent before the commit: if the mail server refuses it, nothing is recorded as sent.
    try:
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            subject_template_name=RESET_SUBJECT,
            email_template_name=RESET_EMAIL,
            extra_email_context=reset_mail_context(sent_by=acting_user),
        )
    except (OSError, smtplib.SMTPException) as exc:
        raise InvalidInput.one("email", f"The link could not be sent: {exc}") from None


@transaction.atomic
def set_own_password(*, acting_user: Person, person: Person, password: str) -> Person:
    """A person sets their own password (through a reset link); it ends any sign-in lockout."""
    if acting_user.pk != person.pk:
        raise NotAllowed("Only the account's owner sets its password.")
    return store_password(acting_user, person, password, action="person.set_password")


def store_password(acting_user: Person, person: Person, password: str, *, action: str) -> Person:
    """Check ``password`` against the validators (errors on ``new_password1``), keep its
    hash, record ``action`` and end any sign-in lockout: every way a password is set."""
    try:
        validate_password(password, user=person)
    except ValidationError as exc:
        raise InvalidInput.one("new_password1", " ".join(exc.messages)) from None
    person.set_password(password)
    person.save(update_fields=["password"])
    audit.record(actor=acting_user, action=action, subject=person)
    _clear_failures(person)
    return person


def locked_until(person: Person) -> Any:
    """When the person's sign-in lockout ends (from any address), or None if not locked."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    locks = (
        AccessAttempt.objects.filter(username=person.username, attempt_time__gte=since)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    last = max((row["last"] for row in locks), default=None)
    return last + settings.AXES_COOLOFF_TIME if last else None


def _clear_failures(person: Person) -> int:
    return int(reset_sign_in_failures(username=person.username) or 0)


@transaction.atomic
def unlock_sign_in(*, acting_user: Person | None, person: Person) -> int:
    """Forget the failed sign-ins counted against ``person`` (HR or the operator), so a
    lockout ends now; returns how many counts were cleared."""
    if acting_user is not None and not acting_user.is_hr_admin:
        raise NotAllowed("Only HR admins unlock sign-ins.")
    cleared = _clear_failures(person)
    audit.record(
        actor=acting_user,
        action="person.unlock_sign_in",
        subject=person,
        data={"cleared": cleared},
    )
    return cleared
