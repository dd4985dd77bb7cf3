"""Stored forecasts: each key result keeps its last end-of-cycle projection with the key of
the inputs it was computed from, so lists read it instead of fitting a line through the
cycle's readings again.

Why a key rather than an "as of" date: a forecast (``goals.forecast``) depends on the key
result's definition, its readings in the cycle, its objective's commitment, the cycle's
dates and the organisation's time zone, and on today only through one fact: whether the
cycle has ended. Every new reading changes the key result's ``last_check_in_at`` and
readings are never changed or deleted, so the key below (definition, latest reading's
instant, progress, done, success, cycle dates, ended or not, time zone, method version)
changes exactly when the forecast may. A stored forecast whose key no longer matches the
row is never shown: it is computed again (reading that key result's check-ins) and stored
again. Nothing has to remember to clear it: a check-in, a change of definition, a change of
commitment, a moved cycle or the cycle's end all change the key.

Pace is not stored: it moves with every day, and its inputs are all on the key result's
row (progress, last reading, creation, cycle dates, cadence), so it is computed for each row
as it is read, a few microseconds each.

Stored forecasts are written back by the reads that computed them (one statement per page,
never changing ``updated_at``: they are derived figures, not changes to the key result) and
in bulk by ``lineofsight forecasts`` (after an upgrade, or at night so that the first reads
after a cycle ends find them ready).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from typing import Any

from django.db import DatabaseError, transaction

from lineofsight.goals import forecast as fc
from lineofsight.goals.models import Cycle, KeyResult

log = logging.getLogger(__name__)

# Bump when ``goals.forecast`` changes how it projects: every stored forecast is then stale.
METHOD_VERSION = 1


def forecast_key(
    kr: KeyResult, cycle: Cycle, success: float, today: dt.date, time_zone: str
) -> str:
    """The key of everything ``kr``'s forecast on ``today`` is computed from."""
    last = kr.last_check_in_at
    parts = (
        METHOD_VERSION,
        kr.kind,
        kr.source,
        kr.start_value,
        kr.target_value,
        kr.unit,
        kr.progress,
        kr.done,
        last.timestamp() if last is not None else None,
        success,
        cycle.start_date.toordinal(),
        cycle.end_date.toordinal(),
        today >= cycle.end_date,
        time_zone,
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


def to_json(forecast: fc.Forecast) -> dict[str, Any]:
    return {
        "value": forecast.value,
        "low": forecast.low,
        "high": forecast.high,
        "progress": forecast.progress,
        "progress_low": forecast.progress_low,
        "progress_high": forecast.progress_high,
        "success": forecast.success,
        "miss_risk": forecast.miss_risk.value,
        "method": forecast.method,
        "explanation": forecast.explanation,
        "points_used": forecast.points_used,
    }


def from_json(data: dict[str, Any]) -> fc.Forecast:
    return fc.Forecast(
        data["value"],
        data["low"],
        data["high"],
        data["progress"],
        data["progress_low"],
        data["progress_high"],
        data["success"],
        fc.MissRisk(data["miss_risk"]),
        data["method"],
        data["explanation"],
        data["points_used"],
    )


def stored(kr: KeyResult, key: str) -> fc.Forecast | None:
    """The key result's stored forecast when it was computed from the same inputs."""
    if kr.forecast_key != key or not kr.forecast:
        return None
    try:
        return from_json(kr.forecast)
    except (KeyError, TypeError, ValueError):
        return None


def save(rows: Iterable[tuple[int, str, fc.Forecast]]) -> int:
    """Store fresh forecasts, (key result id, key, forecast): one statement per 500, in a
    transaction of their own. A read that cannot write (the database is busy) still answers:
    the next read computes them again."""
    objs = []
    for pk, key, forecast in rows:
        obj = KeyResult(pk=pk, forecast=to_json(forecast), forecast_key=key)
        objs.append(obj)
    if not objs:
        return 0
    try:
        with transaction.atomic():
            KeyResult.objects.bulk_update(objs, ["forecast", "forecast_key"], batch_size=500)
    except DatabaseError:  # pragma: no cover - depends on other writers
        log.warning("Could not store %d forecasts; they will be computed again.", len(objs))
        return 0
    return len(objs)

