"""The audit log: every named action records one row in its own transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from lineofsight.core.models import AuditEvent


def record(
    *,
    actor: Any,
    action: str,
    subject: models.Model | None = None,
    data: dict[str, Any] | None = None,
    amendment_reason: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
        data=data or {},
        amendment_reason=amendment_reason,
    )


def record_many(entries: list[dict[str, Any]], *, actor: Any) -> int:
    """Write many audit rows at once (an import of thousands of changes), each exactly as
    ``record`` would: ``entries`` hold ``action``, ``subject`` and ``data``."""
    rows = [
        AuditEvent(
            actor=actor if getattr(actor, "pk", None) else None,
            action=entry["action"],
            subject_type=entry["subject"]._meta.label_lower,
            subject_id=entry["subject"].pk,
            data=entry.get("data") or {},
        )
        for entry in entries
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=500)
    return len(rows)
