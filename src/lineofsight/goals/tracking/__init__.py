"""Pace and forecast for key results, objectives and teams, read from the database.

The rules live in the pure modules ``goals.pace`` (status from pace) and
``goals.forecast`` (end-of-cycle projection); this package gathers their inputs for a batch
of key results with a fixed number of queries and rolls the results up. Pages, the API,
dashboards and digests all call it, so a status or a projection is the same everywhere.

Public surface:

* ``tracking_context(today=None)``: the organisation's pace thresholds, its time zone and
  "today" in it (one query). Pass it to the functions below when calling several of them.
* ``key_result_tracking(key_results, ...) -> dict[int, KeyResultTracking]``: each tracked key
  result's ``Pace`` and ``Forecast`` (forecasts are optional: without them no check-in is
  read).
* ``objective_tracking(objectives, ...) -> dict[int, ObjectiveTracking]``: per objective,
  the risk summary of its key results (``pace.summarise``) and their combined forecast
  (``forecast.combine``, weighted by key-result weights).
* ``team_risk(team, cycle, viewer, ...) -> TeamRisk``: the same over every key result of the
  objectives a team and its members own in a cycle, as the viewer may see them.
* ``track_objectives(..., detail=True)``, ``team_risk(..., detail=True)`` and
  ``track_key_results(...)`` also hand back the key results read and their check-ins in
  their cycles (``CheckInRow``), for pages that draw them: the forecasts' readings and the
  burn-ups come from the same single read.
* ``cadence_overrides(person_ids)`` and ``effective_cadence(...)``: the check-in cadence
  that applies to a key result.

The rules this package adds (everything else is the pure modules'):

* **Which key results are tracked.** Active key results of objectives that are not
  abandoned. Abandoned ones are left out (they are not counted anywhere).
* **Cadence.** A key result follows its cycle's cadence unless a team its owner belongs to
  sets one. When the owner is in several teams that set one, the most frequent wins
  (weekly before every two weeks before monthly): nobody is asked to check in less often
  than one of their teams expects.
* **Today** is the current date in the organisation's time zone; check-in days are read in
  the same time zone.
* **Success** is 1.0 for key results of committed objectives and 0.7 for aspirational ones
  (``forecast.success_threshold``).
* **Key results that roll up from aligned objectives** take no check-ins: they are never
  stale on their own and have no trend of their own; their pace compares their rolled-up
  progress with the expected progress, and their forecast holds their current progress.
* **Objectives** summarise the key results they count (for a rolling annual objective: the
  year's own and its latest quarter's, as in its progress). Their combined forecast uses
  the key results that count in their progress: none when progress comes from aligned
  objectives only.

Queries: ``key_result_tracking`` runs at most four (team cadences, check-ins, and the key
results' cycles and objectives when the caller did not load them; the organisation's
settings come from its per-process cache); ``objective_tracking`` two (the key results, with
their owners' team cadences, and the check-ins); ``team_risk`` two more (the members, and
the team's and members' objectives). None grows with the size of the organisation; very
large batches read in chunks of ``CHUNK`` key results.

The package is split by concept: ``context`` (thresholds, time zone, today and cadences),
``key_results`` (pace and forecast of key results, their check-ins) and ``rollups``
(objectives and teams); everything public is importable from here.
"""

from lineofsight.goals.due import most_frequent
from lineofsight.goals.tracking.context import (
    CHUNK,
    TrackingContext,
    cadence_overrides,
    effective_cadence,
    tracking_context,
)
from lineofsight.goals.tracking.key_results import (
    CheckInRow,
    KeyResultTracking,
    Tracked,
    annotate_key_results,
    key_result_tracking,
    track_key_results,
)
from lineofsight.goals.tracking.rollups import (
    ObjectiveTracking,
    TeamRisk,
    annotate_cards,
    objective_tracking,
    team_risk,
    track_objectives,
)

__all__ = [
    "CHUNK",
    "CheckInRow",
    "KeyResultTracking",
    "ObjectiveTracking",
    "TeamRisk",
    "Tracked",
    "TrackingContext",
    "annotate_cards",
    "annotate_key_results",
    "cadence_overrides",
    "effective_cadence",
    "key_result_tracking",
    "most_frequent",
    "objective_tracking",
    "team_risk",
    "track_key_results",
    "track_objectives",
    "tracking_context",
]
