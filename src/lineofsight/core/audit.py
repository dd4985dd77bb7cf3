"""The audit log: every named action records one row in its own transaction."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from django.db import models
from django.utils import timezone

from lineofsight.core.models import AuditEvent

# Where the writes of the moment come from, when not from a person at a page, the API or the
# command line: an identity provider's provisioning sets ``{"via": "scim", "token": ...}``,
# and every audit row written meanwhile carries it in its data.
_channel: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "audit_channel", default=None
)


@contextlib.contextmanager
def channel(**marks: Any) -> Iterator[None]:
    """Mark every audit row written inside the block with ``marks`` (e.g. ``via="scim"``)."""
    reset = _channel.set({**(_channel.get() or {}), **marks})
    try:
        yield
    finally:
        _channel.reset(reset)


def _with_channel(data: dict[str, Any] | None) -> dict[str, Any]:
    marks = _channel.get()
    return {**(data or {}), **marks} if marks else (data or {})


def record(
    *,
    actor: Any,
    action: str,
    subject: models.Model | None = None,
    data: dict[str, Any] | None = None,
    amendment_reason: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        **fields(
            actor=actor,
            action=action,
            subject_type=subject._meta.label_lower if subject is not None else "",
            data=data,
            amendment_reason=amendment_reason,
        ),
        subject_id=subject.pk if subject is not None else None,
    )


def fields(
    *,
    actor: Any,
    action: str,
    subject_type: str,
    data: dict[str, Any] | None = None,
    amendment_reason: str = "",
) -> dict[str, Any]:
    """The fields of an audit row but its subject's id: what ``record`` writes, and what an
    action that writes the row in a statement of its own writes (``core.rows``)."""
    return {
        "actor_id": getattr(actor, "pk", None) or None,
        "action": action,
        "subject_type": subject_type,
        "at": timezone.now(),
        "data": _with_channel(data),
        "amendment_reason": amendment_reason,
    }


def record_many(entries: list[dict[str, Any]], *, actor: Any) -> int:
    """Write many audit rows at once (an import of thousands of changes), each exactly as
    ``record`` would: ``entries`` hold ``action``, ``subject`` and ``data``."""
    rows = [
        AuditEvent(
            actor=actor if getattr(actor, "pk", None) else None,
            action=entry["action"],
            subject_type=entry["subject"]._meta.label_lower,
            subject_id=entry["subject"].pk,
            data=_with_channel(entry.get("data")),
        )
        for entry in entries
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=500)
    return len(rows)


# -- what the audit log shows ----------------------------------------------------------------
#
# An entry's data may hold the words someone wrote (a reason, a note, a comment): useful to
# whoever investigates with the database, but never shown on the audit page, in the API or in
# an export, where the words of a review, a calibration or a one-on-one would reach people
# they were not written for. Whatever sits under one of these keys, at any depth, is replaced
# by a marker; ids, states, numbers, titles and names are shown as they are.
WITHHELD_KEYS = frozenset(
    {
        "body",
        "comment",
        "decision_note",
        "description",
        "employee_comment",
        "explanation",
        "in_control",
        "learned",
        "message",
        "new",
        "note",
        "old",
        "rating_explanation",
        "rationale",
        "reason",
        "text",
        "what_did_not_move",
        "what_happened",
        "what_moved",
        "will_change",
    }
)
WITHHELD = "[text withheld]"


def shown_data(data: Any, *, withheld: bool = False) -> Any:
    """``data`` as the audit log shows it: written words replaced by ``WITHHELD``."""
    if isinstance(data, dict):
        return {
            str(key): shown_data(value, withheld=withheld or str(key) in WITHHELD_KEYS)
            for key, value in data.items()
        }
    if isinstance(data, list | tuple):
        return [shown_data(value, withheld=withheld) for value in data]
    if withheld and isinstance(data, str):
        return WITHHELD if data else ""
    return data


def record_admin_entry(entry: Any) -> AuditEvent:
    """The audit row of a change made in Django's admin (its ``LogEntry``): who, what, and
    the admin's own change message ("Changed display name and email."), which names fields,
    never their values."""
    kinds = {1: "add", 2: "change", 3: "delete"}
    content_type = entry.content_type
    subject_type = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    raw_id = str(entry.object_id or "")
    return AuditEvent.objects.create(
        actor_id=entry.user_id,
        action=f"admin.{kinds.get(entry.action_flag, 'change')}",
        subject_type=subject_type,
        subject_id=int(raw_id) if raw_id.isdigit() and len(raw_id) < 19 else None,
        at=entry.action_time,
        data={"change": entry.get_change_message(), "object": entry.object_repr},
    )
