"""Personal data requests: export everything about a person, and erase a person who has left.

Both are HR's (``acting_user=None`` is the operator, on the command line) and both leave an
audit row that says who asked about whom, never what was exported or erased.

Erasing anonymises one person in one transaction, for good:

* their account: named "Former employee #<id>", username ``former-<id>``, no e-mail address,
  names or job title, no password (signing in is impossible; open sessions end, since they
  were bound to the old password), no roles; their API tokens are revoked;
* what they wrote for others to read: the text of their comments (every version), of their
  self, peer and upward feedback, their comment on their own reviews and their kudos
  messages and spot-bonus reasons become a marker; their one-on-one private notes (which
  only they could read) are deleted;
* what was sent to them: notifications, inbox and digest preferences are deleted; their old
  name in other people's notifications and inbox messages becomes the new one;
* the audit log and the admin's history: their old name, username and e-mail address in
  the entries become the new name;
* sign-in failures kept under their username are deleted.

Everything else stays, so figures and everyone else's history are unchanged: their
objectives, key results and check-ins (owned by the anonymised person, so roll-ups add up
as before), the manager reviews they wrote about their reports (part of those people's
records), their ratings, and other people's reviews, comments and feedback.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import ApiToken, AuditEvent
from lineofsight.discussion.models import Comment, CommentVersion
from lineofsight.integrations.models import (
    CalendarFeed,
    InboxItem,
    Notification,
    NotificationPreference,
    WebhookSubscription,
)
from lineofsight.oneonones.models import PrivateNote
from lineofsight.people.models import Person
from lineofsight.privacy import export
from lineofsight.reviews.models import Answer, Feedback, Kudos, Review, SpotBonusNomination

MARKER = "[Removed: written by a former employee]"


def require_hr(acting_user: Person | None) -> None:
    """HR admins, and the operator on the command line (``None``)."""
    if acting_user is not None and not (acting_user.is_active and acting_user.is_hr_admin):
        raise NotAllowed("Only HR admins handle personal data requests.")


def erased_name(person: Person) -> str:
    return f"Former employee #{person.pk}"


def is_erased(person: Person) -> bool:
    return person.username == f"former-{person.pk}" and person.display_name == erased_name(person)


def export_person(*, acting_user: Person | None, person: Person) -> bytes:
    """The ZIP of everything about ``person`` (``privacy.export``); the audit row names who
    exported whom, not what."""
    require_hr(acting_user)
    with transaction.atomic():
        audit.record(actor=acting_user, action="person.export", subject=person, data={})
        return export.zip_bytes(person)


def erase_refusal(person: Person) -> str:
    """Why ``person`` cannot be erased now ("" when they can)."""
    if is_erased(person):
        return f"{person.name} was erased already."
    if person.is_active:
        return (
            f"{person.name} is still active. Erasing is for people who have left: deactivate "
            "them first (their account, in the admin)."
        )
    reports = list(Person.objects.filter(manager=person, is_active=True).order_by("pk")[:6])
    if reports:
        names = ", ".join(p.name for p in reports[:5]) + (" and others" if len(reports) > 5 else "")
        return (
            f"{person.name} still manages active people ({names}). Give them a new manager first."
        )
    return ""


def _confirmation_matches(person: Person, typed: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(person.name.split()).casefold()


def _json_forms(text: str) -> set[str]:
    """``text`` as it may appear inside stored JSON (escaped or not)."""
    return {text, json.dumps(text)[1:-1]}


def _whole(old: list[str]) -> re.Pattern[str]:
    """Any of ``old`` as a whole word (so a username "ava" leaves "Java" alone)."""
    return re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in old))


def _replace_in(value: Any, pattern: re.Pattern[str], new: dict[str, str]) -> Any:
    """``value`` with each of the old words replaced by its new one (``new``, by old word;
    anything else by ``new[""]``)."""
    if isinstance(value, dict):
        return {k: _replace_in(v, pattern, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_in(v, pattern, new) for v in value]
    if isinstance(value, str):
        return pattern.sub(lambda m: new.get(m.group(0), new[""]), value)
    return value


def _scrub_audit(person: Person, old: list[str], new: dict[str, str]) -> int:
    mentions = Q(subject_type="people.person", subject_id=person.pk)
    for text in old:
        for form in _json_forms(text):
            mentions |= Q(data_text__contains=form)
    changed = 0
    pattern = _whole(old)
    rows = AuditEvent.objects.annotate(data_text=Cast("data", TextField())).filter(mentions)
    for event in rows.only("pk", "data"):
        data = _replace_in(event.data, pattern, new)
        if data != event.data:
            AuditEvent.objects.filter(pk=event.pk).update(data=data)
            changed += 1
    kind = ContentType.objects.get_for_model(Person)
    LogEntry.objects.filter(content_type=kind, object_id=str(person.pk)).update(object_repr=new[""])
    return changed


def _scrub_messages(old: list[str], new: str) -> None:
    pattern = _whole(old)
    for model in (Notification, InboxItem):
        matching = Q()
        for text in old:
            matching |= Q(subject__contains=text) | Q(body__contains=text)
        for row in model.objects.filter(matching).only("pk", "subject", "body"):
            subject, body = pattern.sub(new, row.subject), pattern.sub(new, row.body)
            model.objects.filter(pk=row.pk).update(subject=subject[:300], body=body)


def _forget_sign_in_failures(username: str) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username=username).delete()


@transaction.atomic
def erase_person(*, acting_user: Person | None, person: Person, confirm_name: str) -> Person:
    """Anonymise ``person``, who has left, for good (see the module's description).
    ``confirm_name`` must be their current name, as typed by whoever asks."""
    require_hr(acting_user)
    person = Person.objects.select_for_update().get(pk=person.pk)
    refusal = erase_refusal(person)
    if refusal:
        raise InvalidInput.one("person", refusal)
    if not _confirmation_matches(person, confirm_name or ""):
        raise InvalidInput.one(
            "confirm_name", f"Type {person.name} exactly as shown to confirm the erasure."
        )
    new = erased_name(person)
    old_username = person.username
    full = f"{person.first_name} {person.last_name}".strip()
    old = sorted(
        {t for t in (person.name, person.display_name, full, person.email, old_username) if t},
        key=len,
        reverse=True,
    )
    # Names, username, e-mail, roles, password.
    person.display_name = new
    person.first_name = person.last_name = person.email = person.job_title = ""
    person.username = f"former-{person.pk}"
    person.is_active = person.is_staff = person.is_superuser = False
    person.is_hr_admin = person.is_executive = False
    person.set_unusable_password()
    person.save()
    now = timezone.now()
    counts = {
        "tokens_revoked": ApiToken.objects.filter(person=person, revoked_at__isnull=True).update(
            revoked_at=now
        ),
        "comments": Comment.objects.filter(author=person).exclude(body="").update(body=MARKER),
    }
    CommentVersion.objects.filter(comment__author=person).update(body=MARKER)
    own = Feedback.objects.filter(author=person).exclude(kind=Feedback.Kind.MANAGER)
    counts["feedback_answers"] = (
        Answer.objects.filter(feedback__in=own).exclude(text="").update(text=MARKER)
    )
    Review.objects.filter(subject=person).exclude(employee_comment="").update(
        employee_comment=MARKER
    )
    Kudos.objects.filter(author=person).update(message=MARKER)
    SpotBonusNomination.objects.filter(nominator=person).update(reason=MARKER)
    counts["private_notes"] = PrivateNote.objects.filter(author=person).delete()[0]
    counts["notifications"] = Notification.objects.filter(recipient=person).delete()[0]
    InboxItem.objects.filter(recipient=person).delete()
    NotificationPreference.objects.filter(person=person).delete()
    # Their webhooks (and the deliveries logged, which carried what they could see) and
    # their calendar address.
    webhooks = WebhookSubscription.objects.filter(owner=person)
    counts["webhooks"] = webhooks.count()
    webhooks.delete()
    CalendarFeed.objects.filter(person=person).delete()
    _scrub_messages([t for t in old if t != old_username], new)
    _forget_sign_in_failures(old_username)
    _scrub_audit(person, old, {"": new, old_username: person.username})
    audit.record(actor=acting_user, action="person.erase", subject=person, data=counts)
    return person


def erasure_steps(person: Person) -> list[str]:
    """What erasing ``person`` does, in the words of the confirmation screen."""
    new = erased_name(person)
    return [
        f"{person.name} becomes \u201c{new}\u201d everywhere: pages, the API, search, exports "
        "and the audit log. Their username, e-mail address, names and job title are removed.",
        "Signing in becomes impossible: the password is removed, open sessions end and API "
        "tokens are revoked.",
        "The text of the comments, self, peer and upward feedback, review comments, kudos and "
        f"spot-bonus reasons they wrote is replaced by \u201c{MARKER}\u201d.",
        "Their one-on-one private notes, notifications, inbox, notification settings, "
        "webhooks (with their delivery logs) and calendar address are deleted.",
        "Their objectives, key results and check-ins stay, owned by the former employee, so "
        "progress and roll-ups do not change. Manager reviews they wrote about their reports, "
        "ratings, and everyone else's reviews and comments stay as they are.",
        "This cannot be undone. The audit log records that you erased this person.",
    ]
