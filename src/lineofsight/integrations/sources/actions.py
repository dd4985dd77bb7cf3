"""Writes on data sources: connect a key result to one, change it (settings, secret, schedule,
pause, resume), remove it, sync it now; and ``run``, which reads a source and records what
it read.

A reading becomes a check-in through ``record_check_in``, authored by the source's owner
(the key result's owner when it was connected), with a note saying where it came from and a
``DataSourceReading`` row keeping the provenance (source, time, raw value). A reading equal
to the key result's current value records nothing. A failed read writes no check-in: the
error and its time are kept on the source, its owner is told (on the first failure in a row
and when it is paused), and after ``DATA_SOURCE_PAUSE_AFTER`` failures in a row the source
pauses. The secret is never written to the audit log, an error or a log line.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import ActionError, InvalidInput, NotAllowed
from lineofsight.goals.actions.check_ins import record_check_in
from lineofsight.goals.models import KeyResult, Objective
from lineofsight.integrations.sources import kinds, reading
from lineofsight.integrations.sources.models import DataSource, DataSourceReading
from lineofsight.integrations.sources.selectors import viewer_of
from lineofsight.people.sso import secrets

if TYPE_CHECKING:
    from lineofsight.people.models import Person

logger = logging.getLogger("lineofsight.sources")

Schedule = DataSource.Schedule
State = DataSource.State
INTERVALS = {Schedule.HOURLY: dt.timedelta(hours=1), Schedule.DAILY: dt.timedelta(days=1)}
TRIGGERS = ("schedule", "sync", "api", "cli")


def next_run(schedule: str, now: dt.datetime) -> dt.datetime | None:
    interval = INTERVALS.get(schedule)  # type: ignore[call-overload]
    return now + interval if interval else None


def check_manage(acting_user: Person, key_result: KeyResult) -> None:
    if not viewer_of(acting_user).can_manage_data_source(key_result):
        raise NotAllowed("Only those who may edit the key result connect it to a data source.")


def key_result_problem(kr: KeyResult) -> str | None:
    if kr.source == KeyResult.Source.ALIGNED:
        return "This key result rolls up from aligned objectives; it takes no readings."
    if kr.kind == "milestone":
        return "A milestone is done or not: it takes no number from a data source."
    if kr.state != KeyResult.State.ACTIVE:
        return "This key result was abandoned."
    return None


def _clean_common(errors: dict[str, str], schedule: str | None, state: str | None) -> None:
    if schedule is not None and schedule not in Schedule.values:
        errors["schedule"] = f"Choose one of {', '.join(Schedule.values)}."
    if state is not None and state not in State.values:
        errors["state"] = "Choose active or paused."


def _safe_config(kind: str, config: dict[str, str]) -> dict[str, str]:
    """The settings as the audit log keeps them: addresses without their query string."""
    out = dict(config)
    for f in ("url", "site", "instance", "base_url"):
        if out.get(f):
            parts = urlsplit(out[f])
            out[f] = f"{parts.scheme}://{parts.netloc}{parts.path}"
    return out


@transaction.atomic
def create_source(
    *,
    acting_user: Person,
    key_result: KeyResult,
    kind: str,
    config: dict[str, Any],
    secret: str = "",
    schedule: str = Schedule.DAILY,
) -> DataSource:
    """Connect ``key_result`` to a data source; its check-ins will be authored by the key
    result's owner."""
    kr = KeyResult.objects.select_related(
        "owner", "objective__owner_person", "objective__owner_team__lead"
    ).get(pk=key_result.pk)
    check_manage(acting_user, kr)
    errors: dict[str, str] = {}
    if DataSource.objects.filter(key_result=kr).exists():
        errors["key_result"] = "This key result has a data source already; change that one."
    problem = key_result_problem(kr)
    if problem:
        errors["key_result"] = problem
    _clean_common(errors, schedule, None)
    cleaned, config_errors = kinds.clean(kind, config, secret=secret, has_secret=False)
    errors.update(config_errors)
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    source = DataSource.objects.create(
        key_result=kr,
        owner=kr.owner,
        kind=kind,
        config=cleaned,
        secret=secrets.encrypt(secret.strip()),
        schedule=schedule,
        next_run_at=now if schedule != Schedule.MANUAL else None,
        created_by=acting_user,
        created_at=now,
        updated_at=now,
    )
    audit.record(
        actor=acting_user,
        action="data_source.create",
        subject=source,
        data={
            "key_result": kr.pk,
            "kind": kind,
            "schedule": schedule,
            "config": _safe_config(kind, cleaned),
            "secret": "set" if secret.strip() else "none",
        },
    )
    return source


@transaction.atomic
def update_source(
    *,
    acting_user: Person,
    source: DataSource,
    config: dict[str, Any] | None = None,
    secret: str | None = None,
    schedule: str | None = None,
    state: str | None = None,
) -> DataSource:
    """Change a source. ``config`` holds the settings to change (the others are kept);
    ``secret`` None keeps the stored one. ``state`` "active" resumes a paused source (its
    failure count starts again), "paused" pauses it."""
    check_manage(acting_user, source.key_result)
    source = (
        DataSource.objects.select_for_update(of=("self",))
        .select_related("key_result__owner")
        .get(pk=source.pk)
    )
    errors: dict[str, str] = {}
    _clean_common(errors, schedule, state)
    merged = {**source.config, **(config or {})}
    cleaned, config_errors = kinds.clean(
        source.kind, merged, secret=secret, has_secret=bool(source.secret)
    )
    errors.update(config_errors)
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    changes: dict[str, Any] = {}
    if cleaned != source.config:
        changes["config"] = [
            _safe_config(source.kind, source.config),
            _safe_config(source.kind, cleaned),
        ]
        source.config = cleaned
    if secret is not None:
        changes["secret"] = "replaced"  # noqa: S105 - what the audit says
        source.secret = secrets.encrypt(secret.strip())
    if schedule is not None and schedule != source.schedule:
        changes["schedule"] = [source.schedule, schedule]
        source.schedule = schedule
        source.next_run_at = now if schedule != Schedule.MANUAL else None
    if state is not None and state != source.state:
        changes["state"] = [source.state, state]
        source.state = state
        if state == State.ACTIVE:
            source.consecutive_failures = 0
            source.paused_reason = ""
            if source.schedule != Schedule.MANUAL:
                source.next_run_at = now
        else:
            source.paused_reason = "Paused by hand."
    source.owner = source.key_result.owner  # the key result's owner today
    source.updated_at = now
    source.save()
    audit.record(
        actor=acting_user, action="data_source.update", subject=source, data={"changes": changes}
    )
    return source


@transaction.atomic
def delete_source(*, acting_user: Person, source: DataSource) -> None:
    """Disconnect the key result; the check-ins already recorded stay (with their note)."""
    check_manage(acting_user, source.key_result)
    audit.record(
        actor=acting_user,
        action="data_source.delete",
        subject=source,
        data={"key_result": source.key_result_id, "kind": source.kind},
    )
    source.delete()


def sync_source(*, acting_user: Person, source: DataSource, trigger: str = "sync") -> RunResult:
    """Read the source now (also while paused) and record what it read. The read happens
    outside any transaction; its outcome is written in one."""
    check_manage(acting_user, source.key_result)
    if trigger not in TRIGGERS:
        raise InvalidInput.one("trigger", f"Choose one of {', '.join(TRIGGERS)}.")
    return run(source.pk, trigger=trigger, acting_user=acting_user)


# -- reading and recording ---------------------------------------------------------------------


@dataclass(frozen=True)
class RunResult:
    outcome: str  # "recorded", "unchanged", "failed" or "skipped"
    message: str
    value: float | None = None
    check_in_id: int | None = None


def _scrub(text: str, secret: str) -> str:
    """``text`` with the secret (and a database address's password) blotted out."""
    hidden = {secret}
    if "://" in secret:
        password = urlsplit(secret).password
        if password:
            hidden.add(password)
    for item in sorted(hidden, key=len, reverse=True):
        if item and len(item) >= 4:
            text = text.replace(item, "\u2022\u2022\u2022")
    return text


def run(source_id: int, *, trigger: str, acting_user: Person | None = None) -> RunResult:
    """Read one source and record the outcome. A scheduled run of a source that was paused,
    removed or is not due any more does nothing ("skipped")."""
    source = (
        DataSource.objects.select_related("owner", "key_result__objective")
        .filter(pk=source_id)
        .first()
    )
    if source is None:
        return RunResult("skipped", "The source was removed.")
    if trigger == "schedule" and source.state != State.ACTIVE:
        return RunResult("skipped", "The source is paused.")
    secret = secrets.decrypt(source.secret)
    try:
        if not source.owner.is_active:
            raise reading.ReadError(
                f"{source.owner.name} is no longer active; change the source so its readings "
                "are recorded as the key result's owner."
            )
        if secret is None:
            raise reading.ReadError(
                "The stored secret cannot be read (the server's secret key changed); enter "
                "it again."
            )
        got = reading.read(source.kind, source.config, secret)
    except reading.ReadError as exc:
        error = _scrub(str(exc), secret or "")
    except Exception as exc:  # a reader's own bug: told as a failure, never crashes the run
        logger.warning("Data source %s failed unexpectedly: %s", source.pk, type(exc).__name__)
        error = f"Unexpected error ({type(exc).__name__})."
    else:
        try:
            return _record(source, got, trigger, acting_user)
        except ActionError as exc:
            message = exc.summary() if isinstance(exc, InvalidInput) else str(exc)
            error = f"Not recorded: {message}"
        except DataSource.DoesNotExist:
            return RunResult("skipped", "The source was removed.")
    try:
        return _failed(source, error, trigger, acting_user)
    except DataSource.DoesNotExist:  # removed while it was being read
        return RunResult("skipped", "The source was removed.")


@transaction.atomic
def _record(
    source: DataSource, got: reading.Reading, trigger: str, acting_user: Person | None
) -> RunResult:
    now = timezone.now()
    DataSource.objects.select_for_update().get(pk=source.pk)
    kr = KeyResult.objects.get(pk=source.key_result_id)
    origin = kinds.describe(source.kind, source.config)
    common = {
        "last_run_at": now,
        "last_success_at": now,
        "last_value": got.value,
        "last_error": "",
        "consecutive_failures": 0,
    }
    if kr.last_check_in_at is not None and kr.current_value == got.value:
        DataSource.objects.filter(pk=source.pk).update(**common)
        _audit_sync(source, acting_user, trigger, "unchanged", value=got.value)
        return RunResult(
            "unchanged", f"Read {got.raw}: the key result shows it already.", got.value
        )
    if kr.objective.state in (Objective.State.CLOSED, Objective.State.ABANDONED):
        raise InvalidInput.one("key_result", f"The objective is {kr.objective.state}.")
    local = timezone.localtime(now)
    note = f"{origin}. Read {got.raw} at {local:%Y-%m-%d %H:%M %Z}."
    check_in = record_check_in(
        acting_user=source.owner,
        key_result=kr,
        value=got.value,
        confidence=kr.confidence or KeyResult.Confidence.ON_TRACK,
        note=note,
        at=now,
    )
    DataSourceReading.objects.create(
        source=source,
        check_in=check_in,
        read_at=now,
        raw_value=got.raw[:200],
        value=got.value,
        origin=origin,
        trigger=trigger,
    )
    DataSource.objects.filter(pk=source.pk).update(**common)
    _audit_sync(source, acting_user, trigger, "recorded", value=got.value, check_in=check_in.pk)
    return RunResult("recorded", f"Read {got.raw}: recorded.", got.value, check_in.pk)


def _audit_sync(
    source: DataSource, acting_user: Person | None, trigger: str, outcome: str, **data: Any
) -> None:
    audit.record(
        actor=acting_user,
        action="data_source.sync",
        subject=source,
        data={"key_result": source.key_result_id, "trigger": trigger, "outcome": outcome, **data},
    )


@transaction.atomic
def _failed(source: DataSource, error: str, trigger: str, acting_user: Person | None) -> RunResult:
    now = timezone.now()
    error = error[:500]
    locked = DataSource.objects.select_for_update().get(pk=source.pk)
    failures = locked.consecutive_failures + 1
    fields: dict[str, Any] = {
        "last_run_at": now,
        "last_error": error,
        "last_error_at": now,
        "consecutive_failures": failures,
    }
    paused = failures >= settings.DATA_SOURCE_PAUSE_AFTER and locked.state == State.ACTIVE
    if paused:
        fields["state"] = State.PAUSED
        fields["paused_reason"] = f"Paused after {failures} failed reads in a row."
    DataSource.objects.filter(pk=source.pk).update(**fields)
    _audit_sync(source, acting_user, trigger, "failed", error=error, failures=failures)
    logger.info("Data source %s failed (%s in a row): %s", source.pk, failures, error)
    if failures == 1 or paused:
        _tell_owner(source, error, failures, paused, now)
    return RunResult("failed", error)


def _tell_owner(
    source: DataSource, error: str, failures: int, paused: bool, now: dt.datetime
) -> None:
    from lineofsight.integrations import actions
    from lineofsight.integrations.compose import Message
    from lineofsight.integrations.models import Notification

    kr = source.key_result
    link = f"{settings.SITE_URL}/key-results/{kr.pk}/source/"
    if paused:
        subject = f"The data source of {kr.title!r} was paused"
        head = f"Reading it failed {failures} times in a row, so it was paused."
    else:
        subject = f"The data source of {kr.title!r} failed"
        head = "Reading it failed; nothing was recorded."
    body = (
        f"{head}\n\nThe error ({timezone.localtime(now):%Y-%m-%d %H:%M %Z}): {error}\n\n"
        f"Check the source's settings, then sync it again: {link}"
    )
    key = f"source-{'paused' if paused else 'failed'}:{source.pk}:{now:%Y%m%d%H%M%S%f}"
    actions.queue_notifications(
        acting_user=None,
        messages=[
            actions.email(
                source.owner,
                Notification.Kind.SOURCE,
                key[:120],
                Message(subject, body),
                url=f"/key-results/{kr.pk}/source/",
            )
        ],
        run="data-source",
    )


# -- the schedule --------------------------------------------------------------------------


def claim_due(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """The active, scheduled sources whose time has come, each moved to its next time as it
    is claimed (so two schedulers never take the same one)."""
    now = now or timezone.now()
    due = list(
        DataSource.objects.filter(
            state=State.ACTIVE,
            schedule__in=list(INTERVALS),
            next_run_at__lte=now,
            # Only key results that still take check-ins: active, of an active objective,
            # in an active cycle (a closed one takes readings only as HR's amendments).
            key_result__state=KeyResult.State.ACTIVE,
            key_result__objective__state=Objective.State.ACTIVE,
            key_result__cycle__state="active",
        )
        .order_by("next_run_at", "pk")
        .values_list("pk", "schedule", "next_run_at")[:limit]
    )
    claimed = []
    for pk, schedule, at in due:
        taken = DataSource.objects.filter(pk=pk, next_run_at=at).update(
            next_run_at=next_run(schedule, now)
        )
        if taken:
            claimed.append(pk)
    return claimed
