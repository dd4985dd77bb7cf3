"""OKR figures as of the end of a cycle, from the history.

A review looks at where things stood when the OKR cycle ended: check-ins recorded after the
end do not count, and the definitions (start, target, weight, state) are those in force at
the end. Two sources, both recomputed from the history:

* **Key results measured by check-ins** are scored here, for the few the pack shows: the
  latest reading recorded by the end under the definition then in force (two queries for any
  number of key results, through ``goals.scoring``).
* **Objectives** (and key results that roll up from aligned objectives) depend on everything
  aligned below them, down to the whole organisation for a company objective. Their figures
  as of the end are computed once per cycle, from the history (``goals.rollup``), and kept
  (``CycleEndFigure``): they cannot change afterwards. Until the cycle has ended the pack
  shows the figures as of now, which are the stored roll-ups; so it does, with a notice,
  between the end and the moment the kept figures are ready (a background task asked for
  when the cycle closes or a review cycle on it launches; see ``tasks``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from lineofsight.goals import history, scoring
from lineofsight.goals.models import (
    Blocker,
    CheckIn,
    Cycle,
    KeyResult,
    KeyResultRevision,
    Objective,
)
from lineofsight.people.selectors import organisation_time_zone
from lineofsight.reviews.evidence.models import CycleEndFigure, CycleEndFigures


def end_of(cycle: Cycle) -> dt.datetime:
    """The last instant of the cycle's last day in the organisation's time zone."""
    _, end = cycle.bounds(organisation_time_zone())
    return end - dt.timedelta(microseconds=1)


def as_of_for(cycle: Cycle, now: dt.datetime | None = None) -> tuple[dt.datetime, bool]:
    """(the instant the evidence describes, whether the cycle has ended)."""
    now = now or timezone.now()
    end = end_of(cycle)
    return (end, True) if now > end else (now, False)


def evidence_instant(cycle: Cycle) -> tuple[dt.datetime, bool, bool]:
    """(the instant the evidence describes, whether the cycle has ended, whether its end
    figures are still being prepared). Until they are kept (``actions.record_end_figures``,
    asked for at close and launch), objectives show their latest stored roll-ups and the
    pages say so; key results measured by check-ins are always as of the instant."""
    as_of, ended = as_of_for(cycle)
    return as_of, ended, ended and not has_end_figures(cycle)


def local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at, zoneinfo.ZoneInfo(organisation_time_zone())).date()


def scope_of(cycle: Cycle) -> list[int]:
    """The cycles a cycle's figures cover: a quarter and its year; a year and its quarters."""
    if cycle.kind == Cycle.Kind.ANNUAL:
        return [cycle.pk, *Cycle.objects.filter(parent=cycle).values_list("pk", flat=True)]
    return [cycle.pk] + ([cycle.parent_id] if cycle.parent_id else [])


@dataclass(frozen=True)
class Coverage:
    """The OKR cycles a review's evidence covers, in the order it shows them: a quarter, then
    the year around it (the year's own objectives and key results, and rolling annual
    objectives with this quarter's key results); or a year, then each quarter inside it (the
    quarterly check-ins alongside the annual review)."""

    cycle: Cycle
    cycles: tuple[Cycle, ...]

    @property
    def ids(self) -> list[int]:
        return [c.pk for c in self.cycles]

    @property
    def annual(self) -> bool:
        return self.cycle.kind == Cycle.Kind.ANNUAL

    def name(self, cycle_id: int) -> str:
        return next((c.name for c in self.cycles if c.pk == cycle_id), "")

    def graded_within(self, cycle_id: int) -> bool:
        """Whether grades of that cycle belong to this evidence: a cycle that ends by this
        one's end (a quarter's grades in its year's review, not the year's grades, given
        when the year closes, in a quarter's)."""
        return any(c.pk == cycle_id and c.end_date <= self.cycle.end_date for c in self.cycles)


def coverage(cycle: Cycle) -> Coverage:
    """What the evidence of ``cycle`` covers (one query for a year, none for a quarter whose
    year is loaded with it)."""
    if cycle.kind == Cycle.Kind.ANNUAL:
        quarters = Cycle.objects.filter(parent=cycle).order_by("start_date", "end_date", "pk")
        return Coverage(cycle, (cycle, *quarters))
    return Coverage(cycle, (cycle, cycle.parent) if cycle.parent_id else (cycle,))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# Objectives: stored once per cycle


@dataclass(frozen=True)
class Stored:
    progress: float
    live: bool


def objective_figures(
    cycle: Cycle, ended: bool, objective_ids: Iterable[int], aligned_kr_ids: Iterable[int] = ()
) -> tuple[dict[int, Stored], dict[int, Stored]]:
    """Progress of these objectives and aligned key results as of the evidence instant: the
    figures kept for the cycle's end once it has ended (absent for what did not exist then),
    else today's stored roll-ups. One query (two before the end)."""
    objective_ids = sorted(set(objective_ids))
    aligned_kr_ids = sorted(set(aligned_kr_ids))
    objectives: dict[int, Stored] = {}
    krs: dict[int, Stored] = {}
    if not objective_ids and not aligned_kr_ids:
        return objectives, krs
    if ended:
        rows = CycleEndFigure.objects.filter(cycle=cycle).filter(
            objective_id__in=objective_ids
        ) | CycleEndFigure.objects.filter(cycle=cycle, key_result_id__in=aligned_kr_ids)
        for objective_id, kr_id, progress, live in rows.values_list(
            "objective_id", "key_result_id", "progress", "live"
        ):
            if objective_id is not None:
                objectives[objective_id] = Stored(progress, live)
            else:
                krs[kr_id] = Stored(progress, live)
        return objectives, krs
    for pk, progress, state in Objective.objects.filter(pk__in=objective_ids).values_list(
        "pk", "progress", "state"
    ):
        objectives[pk] = Stored(progress, state in ("active", "closed"))
    for pk, progress, state in KeyResult.objects.filter(pk__in=aligned_kr_ids).values_list(
        "pk", "progress", "state"
    ):
        krs[pk] = Stored(progress, state == "active")
    return objectives, krs


def has_end_figures(cycle: Cycle) -> bool:
    return CycleEndFigures.objects.filter(cycle=cycle).exists()


# ---------------------------------------------------------------------------------------
# Key results: scored from their readings up to the instant


@dataclass
class Reading:
    at: dt.datetime
    value: float | None
    done: bool | None
    confidence: str
    note: str
    blockers: str
    author_id: int


@dataclass
class KeyResultAt:
    """A key result's definition, readings and figure at the evidence instant."""

    id: int
    title: str
    kind: str
    unit: str
    start: float | None
    target: float | None
    weight: float
    signal: str
    source: str
    state: str
    owner_id: int
    revision: int
    revision_note: str = ""
    abandoned: history.Abandonment | None = None
    readings: list[Reading] = field(default_factory=list)
    progress: float = 0.0

    @property
    def latest(self) -> Reading | None:
        return self.readings[-1] if self.readings else None

    @property
    def actual(self) -> float | None:
        return self.latest.value if self.latest else None

    @property
    def done(self) -> bool | None:
        return self.latest.done if self.latest else None

    @property
    def confidence(self) -> str:
        return self.latest.confidence if self.latest else ""


def key_results_at(
    key_results: Iterable[KeyResult],
    as_of: dt.datetime,
    *,
    readings: bool = True,
    aligned: dict[int, Stored] | None = None,
) -> dict[int, KeyResultAt]:
    return key_results_with_revisions(key_results, as_of, readings=readings, aligned=aligned)[0]


def key_results_with_revisions(
    key_results: Iterable[KeyResult],
    as_of: dt.datetime,
    *,
    readings: bool = True,
    aligned: dict[int, Stored] | None = None,
) -> tuple[dict[int, KeyResultAt], list[KeyResultRevision]]:
    """Each key result as it stood at ``as_of``: the definition then in force (its latest
    revision by then), whether it was abandoned then and why, its readings recorded by then
    (all of them with ``readings``; the figure needs only the latest) and its progress.
    Two queries, three with the readings. Key results created after ``as_of`` are left out."""
    krs = [kr for kr in key_results if kr.created_at <= as_of]
    ids = [kr.pk for kr in krs]
    if not ids:
        return {}, []
    revisions: dict[int, list[KeyResultRevision]] = defaultdict(list)
    all_revisions = list(
        KeyResultRevision.objects.filter(key_result_id__in=ids, valid_from__lte=as_of)
        .select_related("author")
        .order_by("key_result_id", "valid_from", "number")
    )
    for one in all_revisions:
        revisions[one.key_result_id].append(one)
    abandoned = history.abandonments_from_rows(
        (r.key_result_id, r.number, r.state, r.reason, r.author_id, r.valid_from)
        for kr_id in ids
        for r in sorted(revisions.get(kr_id, []), key=lambda r: r.number)
    )
    by_kr: dict[int, list[Reading]] = defaultdict(list)
    qs = CheckIn.objects.filter(key_result_id__in=ids, recorded_at__lte=as_of).order_by(
        "key_result_id", "recorded_at", "pk"
    )
    texts: dict[int, list[str]] = defaultdict(list)
    for check_in_id, text in (
        Blocker.objects.filter(key_result_id__in=ids, raised_at__lte=as_of)
        .exclude(check_in=None)
        .order_by("pk")
        .values_list("check_in_id", "text")
    ):
        texts[check_in_id].append(text)
    for pk, kr_id, at, value, done, confidence, note, author_id in qs.values_list(
        "pk",
        "key_result_id",
        "recorded_at",
        "value",
        "done",
        "confidence",
        "note",
        "author_id",
    ):
        blockers = "\n".join(texts.get(pk, ()))
        by_kr[kr_id].append(Reading(at, value, done, confidence, note, blockers, author_id))
    out: dict[int, KeyResultAt] = {}
    for kr in krs:
        revs = revisions.get(kr.pk)
        rev = revs[-1] if revs else None
        item = KeyResultAt(
            id=kr.pk,
            title=rev.title if rev else kr.title,
            kind=rev.kind if rev else kr.kind,
            unit=rev.unit if rev else kr.unit,
            start=rev.start_value if rev else kr.start_value,
            target=rev.target_value if rev else kr.target_value,
            weight=rev.weight if rev else kr.weight,
            signal=rev.signal if rev else kr.signal,
            source=rev.source if rev else kr.source,
            state=rev.state if rev else kr.state,
            owner_id=rev.owner_id if rev else kr.owner_id,
            revision=rev.number if rev else 0,
            revision_note=(
                history.describe_key_result_revision(rev) if rev and rev.number > 1 else ""
            ),
            abandoned=abandoned.get(kr.pk),
            readings=by_kr.get(kr.pk, []) if readings else by_kr.get(kr.pk, [])[-1:],
        )
        if item.source == KeyResult.Source.ALIGNED:
            stored = (aligned or {}).get(kr.pk)
            item.progress = stored.progress if stored else 0.0
        else:
            latest = item.latest
            reading = scoring.Reading(latest.value, latest.done, latest.at) if latest else None
            spec = scoring.KeyResultSpec(
                scoring.KeyResultKind(item.kind), item.start, item.target, item.unit
            )
            item.progress = scoring.key_result_progress(spec, reading, explain=False).value
        out[kr.pk] = item
    return out, all_revisions
