"""Writes of the coach: acknowledging a finding as a deliberate exception, and reopening it.

An acknowledgement records the finding's key (its rule, the kind and id of its subject) in a
cycle, the reason (required), who and when. Nothing is ever deleted: reopening marks the row
reopened (with who, when and why) and acknowledging again writes a new row, so the history
of every exception stays. Each action checks the subject through the access policy (missing
and forbidden look the same: ``NotFound``), then whether the acting person may change it
(``CoachViewer.can_acknowledge_finding``), then the input; it runs in one transaction and writes
one audit row.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lineofsight.coach.access import CoachViewer
from lineofsight.coach.models import FindingAcknowledgement
from lineofsight.coach.selectors import SUBJECT_KINDS, current_finding, subject_of
from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals.models import Cycle
from lineofsight.people.models import Person

REASON_MAX = 10_000
CODE_MAX = 100


def _viewer(acting_user: Person) -> CoachViewer:
    if acting_user is None or not acting_user.is_authenticated or not acting_user.is_active:
        raise NotAllowed("Sign in first.")
    return CoachViewer.of(acting_user)


def _reason(value: str, field: str, *, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput.one(
            field, "Say why this is a deliberate exception; the reason is kept with it."
        )
    if len(text) > REASON_MAX:
        raise InvalidInput.one(
            field, f"Keep it under {REASON_MAX} characters (it has {len(text)})."
        )
    if "\x00" in text:
        raise InvalidInput.one(field, "Text cannot contain NUL characters.")
    return text


def _subject(viewer: CoachViewer, user: Person, kind: str, subject_id: Any) -> Any:
    if kind not in SUBJECT_KINDS:
        raise InvalidInput.one("subject", f"Choose one of: {', '.join(SUBJECT_KINDS)}.")
    subject = subject_of(user, kind, subject_id)
    if not viewer.can_acknowledge_finding(kind, subject):
        raise NotAllowed("Only those who may change it can acknowledge a finding about it.")
    return subject


@transaction.atomic
def acknowledge_finding(
    *,
    acting_user: Person,
    cycle: Cycle,
    code: str,
    subject: str,
    subject_id: int,
    reason: str,
) -> FindingAcknowledgement:
    """Acknowledge the finding ``code`` about a subject in ``cycle``: it stops nagging and is
    shown collapsed with the reason. The finding must be one the checks report today."""
    viewer = _viewer(acting_user)
    found = _subject(viewer, acting_user, subject, subject_id)
    text = _reason(reason, "reason", required=True)
    code = (code or "").strip()
    if not code or len(code) > CODE_MAX:
        raise InvalidInput.one("code", "Name the finding's rule, e.g. focus.person_objectives.")
    row = current_finding(acting_user, cycle, code, subject, found)
    if row is None:
        raise InvalidInput.one(
            "code", f"The coach reports no {code!r} finding about this {subject} in {cycle.name}."
        )
    if row.acknowledgement is not None:
        by = row.acknowledgement.acknowledged_by
        raise InvalidInput.one(
            "code",
            f"Already acknowledged{f' by {by.name}' if by else ''} on "
            f"{row.acknowledgement.acknowledged_at:%d %b %Y}: {row.acknowledgement.reason}",
        )
    try:
        with transaction.atomic():
            ack = FindingAcknowledgement.objects.create(
                cycle=cycle,
                code=code,
                subject_kind=subject,
                subject_id=found.pk,
                reason=text,
                acknowledged_by=acting_user,
                acknowledged_at=timezone.now(),
            )
    except IntegrityError:  # acknowledged by someone else a moment ago
        raise InvalidInput.one("code", "This finding was just acknowledged.") from None
    audit.record(
        actor=acting_user,
        action="coach.acknowledge",
        subject=ack,
        data={
            "cycle": cycle.pk,
            "code": code,
            "subject": subject,
            "subject_id": found.pk,
            "reason": text,
            "message": row.finding.message,
        },
    )
    return ack


@transaction.atomic
def reopen_finding(
    *, acting_user: Person, acknowledgement: FindingAcknowledgement, reason: str = ""
) -> FindingAcknowledgement:
    """Take an acknowledgement back: the finding nags again. The row is kept, marked
    reopened with who, when and why; acknowledging again writes a new row."""
    viewer = _viewer(acting_user)
    ack = FindingAcknowledgement.objects.select_for_update().get(pk=acknowledgement.pk)
    _subject(viewer, acting_user, ack.subject_kind, ack.subject_id)
    text = _reason(reason, "reason", required=False)
    if ack.reopened_at is not None:
        raise InvalidInput.one("acknowledgement", "This acknowledgement was reopened already.")
    ack.reopened_at = timezone.now()
    ack.reopened_by = acting_user
    ack.reopen_reason = text
    ack.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    audit.record(
        actor=acting_user,
        action="coach.reopen",
        subject=ack,
        data={
            "cycle": ack.cycle_id,
            "code": ack.code,
            "subject": ack.subject_kind,
            "subject_id": ack.subject_id,
            "reason": text,
        },
    )
    return ack
