"""Storing forecasts ahead of reads (``lineofsight forecasts``): every key result whose
stored forecast is missing or stale gets it computed and stored, ``CHUNK`` at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from lineofsight.goals import forecast as fc
from lineofsight.goals.models import Cycle, KeyResult, Objective
from lineofsight.goals.tracking.context import CHUNK, tracking_context
from lineofsight.goals.tracking.key_results import TRACKED_FIELDS, track_batch
from lineofsight.goals.tracking.stored import forecast_key, stored


def refresh(cycle_ids: Iterable[int] | None = None) -> tuple[int, int]:
    """Compute and store every forecast whose stored one is missing or stale, for the key
    results of ``cycle_ids`` (default: every cycle not closed), ``CHUNK`` at a time. Returns
    (key results looked at, forecasts stored)."""
    if cycle_ids is None:
        cycle_ids = Cycle.objects.exclude(state=Cycle.State.CLOSED).values_list("pk", flat=True)
    wanted = sorted(set(cycle_ids))
    ids = list(
        KeyResult.objects.filter(cycle_id__in=wanted, state=KeyResult.State.ACTIVE)
        .exclude(objective__state=Objective.State.ABANDONED)
        .exclude(source=KeyResult.Source.ALIGNED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ctx = tracking_context()
    looked, stored_count = 0, 0
    for start in range(0, len(ids), CHUNK):
        chunk = list(
            KeyResult.objects.filter(pk__in=ids[start : start + CHUNK])
            .select_related("cycle", "objective")
            .only(*TRACKED_FIELDS, "objective__commitment", "objective__state")
        )
        looked += len(chunk)
        stale = [kr for kr in chunk if _stale(kr, ctx.today, ctx.time_zone)]
        if stale:
            track_batch(stale, ctx, None)
            stored_count += len(stale)
    return looked, stored_count


def _stale(kr: KeyResult, today: dt.date, time_zone: str) -> bool:
    success = fc.success_threshold(kr.objective.commitment)
    return stored(kr, forecast_key(kr, kr.cycle, success, today, time_zone)) is None
