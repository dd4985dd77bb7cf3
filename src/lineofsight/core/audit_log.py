"""The audit log as HR reads it: filters, pages and streamed CSV and JSON exports.

Every named action writes one row (``core.audit.record``), and every change made in Django's
admin one more (``core.audit.record_admin_entry``). HR reads them here, newest first, filtered
by who, what, which thing, when and a word; the words people wrote (reasons, notes, comments)
are withheld (``core.audit.shown_data``), so neither the page, the API nor an export shows a
review's, a calibration's or a one-on-one's text.

A page costs two queries (the count and the slice, with the actor joined), whatever the size
of the log: the filters use the indexes on ``(at)``, ``(actor, at)``, ``(action, at)`` and
``(subject_type, subject_id)``. Exports read the filtered rows in chunks and write them as
they go.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from lineofsight.core import parsing
from lineofsight.core.audit import shown_data
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import AuditEvent

CHUNK = 2000
CSV_HEADER = (
    "id",
    "at",
    "actor_id",
    "actor",
    "action",
    "subject_type",
    "subject_id",
    "subject",
    "details",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SYSTEM = "System"  # an entry made by a command or a job, with nobody's authority


def require_hr(user: Any) -> None:
    """The audit log is HR's: others are refused (403)."""
    if not (getattr(user, "is_active", False) and getattr(user, "is_hr_admin", False)):
        raise NotAllowed("Only HR admins read the audit log.")


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""  # a username, or a person's id
    action: str = ""  # an action's name, or its beginning ("person." for every person action)
    subject_type: str = ""  # "people.person", "goals.objective", ...
    subject_id: int | None = None
    since: dt.date | None = None  # from the start of this day (organisation's time zone)
    until: dt.date | None = None  # to the end of this day
    q: str = ""  # a word in the action, the subject type or the actor's name

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> AuditFilters:
        """Read the filters from a query string; bad values are refused naming the field."""
        errors: dict[str, str] = {}

        def text(name: str, limit: int = 200) -> str:
            value = str(raw.get(name) or "").strip()
            if len(value) > limit:
                errors[name] = f"Enter at most {limit} characters."
            return value

        subject_id = None
        raw_id = str(raw.get("subject_id") or "").strip()
        if raw_id:
            subject_id = parsing.as_id(raw_id)
            if subject_id is None:
                errors["subject_id"] = "Enter a whole number from 1 up."
        days: dict[str, dt.date | None] = {}
        for name in ("since", "until"):
            try:
                days[name] = parsing.parse_day(str(raw.get(name) or "").strip() or None, field=name)
            except InvalidInput as exc:
                errors.update({k: v[0] for k, v in exc.errors.items()})
                days[name] = None
        found = cls(
            actor=text("actor", 150),
            action=text("action", 80),
            subject_type=text("subject_type", 60),
            subject_id=subject_id,
            since=days["since"],
            until=days["until"],
            q=text("q"),
        )
        if found.since and found.until and found.since > found.until:
            errors["until"] = "Enter a day on or after the first day."
        if errors:
            raise InvalidInput(errors)
        return found

    def as_query(self) -> dict[str, str]:
        """The filters as query-string values (for links to other pages and the exports)."""
        values = {
            "actor": self.actor,
            "action": self.action,
            "subject_type": self.subject_type,
            "subject_id": str(self.subject_id or ""),
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "q": self.q,
        }
        return {k: v for k, v in values.items() if v}


def _day_start(day: dt.date) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def events(filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The entries matching ``filters``, newest first, with their actor."""
    qs = AuditEvent.objects.select_related("actor").order_by("-at", "-id")
    people = get_user_model().objects
    if filters.actor:
        # The person first (one small query), then their entries by the (actor, at) index.
        as_pk = parsing.as_id(filters.actor)
        named = Q(username__iexact=filters.actor) | (Q(pk=as_pk) if as_pk else Q(pk__in=[]))
        qs = qs.filter(actor_id__in=list(people.filter(named).values_list("pk", flat=True)))
    if filters.action:
        qs = qs.filter(action__startswith=filters.action)
    if filters.subject_type:
        qs = qs.filter(subject_type=filters.subject_type.lower())
    if filters.subject_id is not None:
        qs = qs.filter(subject_id=filters.subject_id)
    if filters.since:
        qs = qs.filter(at__gte=_day_start(filters.since))
    if filters.until:
        qs = qs.filter(at__lt=_day_start(filters.until + dt.timedelta(days=1)))
    if filters.q:
        word = filters.q
        actors = people.filter(Q(username__icontains=word) | Q(display_name__icontains=word))
        qs = qs.filter(
            Q(action__icontains=word)
            | Q(subject_type__icontains=word)
            | Q(actor_id__in=list(actors.values_list("pk", flat=True)[:1000]))
        )
    return qs


def actor_name(event: AuditEvent) -> str:
    actor = event.actor
    if actor is None:
        return SYSTEM
    return str(getattr(actor, "name", "") or actor)


def details(event: AuditEvent) -> dict[str, Any]:
    """What the entry says, written words withheld; an HR amendment says that it gave a
    reason, not the reason."""
    data = shown_data(event.data or {})
    if event.amendment_reason:
        data["amendment_reason"] = "[given]"
    return data if isinstance(data, dict) else {"value": data}


def people_named(events: list[AuditEvent]) -> dict[int, str]:
    """The names of the people these entries are about (one query): an erased person's is
    "Former employee #<id>"."""
    label = get_user_model()._meta.label_lower
    ids = {e.subject_id for e in events if e.subject_type == label and e.subject_id}
    if not ids:
        return {}
    found = get_user_model().objects.in_bulk(list(ids))
    return {pk: str(getattr(p, "name", "") or p) for pk, p in found.items()}


def subject_name(event: AuditEvent, names: Mapping[int, str]) -> str | None:
    return names.get(event.subject_id or 0) if event.subject_id else None


def row(event: AuditEvent, names: Mapping[int, str] | None = None) -> dict[str, Any]:
    """One entry as the API and the JSON export write it."""
    return {
        "id": event.pk,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor": actor_name(event),
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "subject": subject_name(event, names or {}),
        "details": details(event),
    }


def summary(data: Mapping[str, Any]) -> str:
    """``details`` on one line, for the page and the CSV: ``key: value; key: value``."""
    parts = []
    for key, value in data.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        parts.append(f"{key}: {shown}")
    return "; ".join(parts)


def _chunks(qs: QuerySet[AuditEvent]) -> Iterator[dict[str, Any]]:
    """The rows, read through one cursor ``CHUNK`` entries at a time (with the names of
    their people, one query per chunk)."""
    rows = qs.iterator(chunk_size=CHUNK)
    while batch := list(islice(rows, CHUNK)):
        names = people_named(batch)
        for event in batch:
            yield row(event, names)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(qs: QuerySet[AuditEvent]) -> Iterator[str]:
    """The entries as CSV lines, written as they are read; cells a spreadsheet would take
    for a formula get a leading apostrophe."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for r in _chunks(qs):
        yield writer.writerow(
            [_cell(r[name]) for name in CSV_HEADER[:-1]] + [_cell(summary(r["details"]))]
        )


def json_chunks(qs: QuerySet[AuditEvent]) -> Iterator[str]:
    """The entries as one JSON array, written as they are read."""
    yield "["
    first = True
    for r in _chunks(qs):
        yield ("" if first else ",") + "\n" + json.dumps(r, ensure_ascii=False)
        first = False
    yield "\n]\n"


def export_filename(extension: str) -> str:
    return f"audit-log-{timezone.localdate().isoformat()}.{extension}"
