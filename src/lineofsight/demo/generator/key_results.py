"""The generated key results and their history: three per objective, each with weekly
check-ins following a plausible plan, and its latest reading stored as the actions would.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import transaction

from lineofsight.demo import content
from lineofsight.demo.generator._common import (
    CHUNK_OBJECTIVES,
    GeneratorState,
    bulk_load,
    chunks,
    insert_objects,
    insert_rows,
    next_id,
    reset_sequences,
    stored_datetime,
)
from lineofsight.goals import scoring
from lineofsight.goals.actions.key_results import KEY_RESULT_DEFINITION_FIELDS
from lineofsight.goals.models import (
    Blocker,
    CheckIn,
    KeyResult,
    KeyResultRevision,
    Objective,
)
from lineofsight.people.models import Person

CHECK_IN_COLUMNS = (
    "id",
    "key_result_id",
    "value",
    "done",
    "confidence",
    "note",
    "author_id",
    "recorded_at",
    "progress",
    "amendment_reason",
    "updated_at",
)
KR_REVISION_COLUMNS = (
    "key_result_id",
    "number",
    *KEY_RESULT_DEFINITION_FIELDS,
    "reason",
    "author_id",
    "valid_from",
)
BLOCKER_COLUMNS = (
    "key_result_id",
    "check_in_id",
    "text",
    "raised_by_id",
    "assignee_id",
    "state",
    "raised_at",
    "open_since",
    "resolved_at",
    "resolution_note",
    "updated_at",
)
# A blocker raised in a generated check-in: the check-in's id, its key result, its author,
# when, and the blocker's words.
_Raised = tuple[int, int, int, dt.datetime, str]
SETTLING_RUN = 20_000  # check-ins
# A weekly reading: value, done, confidence, when, and when as ``stored_datetime`` text.
_Reading = tuple[float | None, bool | None, str, dt.datetime, str]

THINGS = (
    ("qualified opportunities", "opportunities"),
    ("customer interviews", "interviews"),
    ("features shipped", "features"),
    ("accounts activated", "accounts"),
    ("automated tests added", "tests"),
    ("candidates screened", "candidates"),
    ("renewals closed", "renewals"),
    ("playbooks published", "playbooks"),
)
METRICS_DOWN = (
    ("Median ticket resolution", "hours"),
    ("Time to hire", "days"),
    ("Cloud spend per customer", "$"),
    ("Open critical bugs", "bugs"),
    ("Contract review time", "days"),
    ("Churned accounts", "accounts"),
)
METRICS_ABOVE = (
    ("Weekly active admins", "%"),
    ("Service availability", "%"),
    ("Customer satisfaction", "points"),
)
MILESTONES = (
    "New onboarding flow shipped",
    "Pricing page relaunched",
    "Partner portal live",
    "SOC 2 audit passed",
    "Data warehouse migration done",
    "Quarterly business reviews scheduled",
)


class KeyResultStage(GeneratorState):
    """Key results, their first revisions and their weekly check-ins, in bulk."""

    def _key_results(self) -> None:
        total_krs = 3 * len(self.objectives)
        bar = self._bar("check-ins", total_krs * self.weeks)
        people = {p.pk: p for group in self.org.members for p in group}
        people[self.org.ceo.pk] = self.org.ceo
        people.update({h.pk: h for h in self.org.heads})
        # Each week's reading lands up to ten hours before its slot: the moments to pick from,
        # and their text for the rows, made once instead of for each of millions of readings.
        slots = [
            self.last_reading_at - dt.timedelta(weeks=self.weeks - w)
            for w in range(1, self.weeks + 1)
        ]
        self._stamps = [
            [
                (at, stored_datetime(at))
                for at in (slot - dt.timedelta(minutes=m) for m in range(600))
            ]
            for slot in slots
        ]
        # Key results and check-ins are written as plain rows with the ids given here, so
        # that the rows pointing at them need not read them back.
        key_result_id = next_id(KeyResult)
        check_in_id = next_id(CheckIn)
        with bulk_load(KeyResult, KeyResultRevision, CheckIn, Blocker):
            for batch in chunks(self.objectives, CHUNK_OBJECTIVES):
                with transaction.atomic():
                    krs: list[KeyResult] = []
                    series: list[list[_Reading]] = []
                    for objective in batch:
                        candidates = self.owners.get(objective.pk) or [
                            people[objective.owner_person_id]  # type: ignore[index]
                        ]
                        for position in range(3):
                            kr, readings = self._key_result(objective, position, candidates)
                            kr.pk = key_result_id
                            key_result_id += 1
                            krs.append(kr)
                            series.append(readings)
                    insert_objects(krs)
                    insert_rows(
                        KeyResultRevision,
                        KR_REVISION_COLUMNS,
                        [self._kr_revision(kr) for kr in krs],
                    )
                    # The rows are made as the database takes them in, so that it stores
                    # some while the next are made.
                    raised: list[list[_Raised]] = []
                    rows = self._check_in_rows(krs, series, check_in_id, raised)
                    insert_rows(CheckIn, CHECK_IN_COLUMNS, rows)
                    for run in raised:
                        self._blockers(run)
                    written = sum(len(readings) for readings in series)
                    check_in_id += written
                    bar.advance(written)
                    self.summary.check_ins += written
                    self.summary.key_results += len(krs)
        reset_sequences(KeyResult, CheckIn, Blocker)
        bar.finish()

    def _check_in_rows(
        self,
        krs: Sequence[KeyResult],
        series: Sequence[list[_Reading]],
        first_id: int,
        raised: list[list[_Raised]],
    ) -> Iterator[tuple[Any, ...]]:
        """The rows of the key results' readings, with ids from ``first_id``. The blockers
        raised in them go to ``raised`` as the rows are made, in runs of the key results
        whose readings add up to ``SETTLING_RUN`` (``_blockers`` settles a run's older
        blockers)."""
        check_in_id = first_id
        run: list[_Raised] = []
        in_run = 0
        for kr, readings in zip(krs, series, strict=True):
            spec = kr.spec()
            for value, done, confidence, at, stamp in readings:
                note, blockers = self._words(confidence)
                yield (
                    check_in_id,
                    kr.pk,
                    value,
                    done,
                    confidence,
                    note,
                    kr.owner_id,
                    stamp,
                    self._progress(spec, value, done),
                    "",
                    stamp,  # updated_at: a generated reading is never changed
                )
                if blockers:
                    run.append((check_in_id, kr.pk, kr.owner_id, at, blockers))
                check_in_id += 1
            in_run += len(readings)
            if in_run >= SETTLING_RUN:
                raised.append(run)
                run, in_run = [], 0
        raised.append(run)

    def _key_result(
        self, objective: Objective, position: int, owners: Sequence[Person]
    ) -> tuple[KeyResult, list[_Reading]]:
        rng = self.rng
        owner = owners[0] if len(owners) == 1 else rng.choice(owners)
        roll = rng.random()
        signal = KeyResult.Signal.LEADING if rng.random() < 0.5 else KeyResult.Signal.LAGGING
        if roll < 0.70:
            thing, unit = rng.choice(THINGS)
            target = float(rng.choice((5, 10, 12, 20, 25, 40, 50, 100, 200)))
            spec = scoring.KeyResultSpec(scoring.KeyResultKind.INCREASE, 0.0, target, unit)
            title = f"{target:.0f} {thing}"
        elif roll < 0.82:
            metric, unit = rng.choice(METRICS_DOWN)
            start = float(rng.choice((10, 14, 20, 30, 45, 60, 90)))
            target = float(math.floor(start * rng.uniform(0.4, 0.7)))
            spec = scoring.KeyResultSpec(scoring.KeyResultKind.DECREASE, start, target, unit)
            title = f"{metric} from {start:.0f} to {target:.0f} {unit}"
        elif roll < 0.94:
            spec = scoring.KeyResultSpec(scoring.KeyResultKind.MILESTONE)
            title = rng.choice(MILESTONES)
        else:
            metric, unit = rng.choice(METRICS_ABOVE)
            threshold = float(rng.choice((60, 75, 80, 90, 95)))
            spec = scoring.KeyResultSpec(scoring.KeyResultKind.STAY_ABOVE, None, threshold, unit)
            title = f"{metric} stays above {threshold:.0f} {unit}"
        readings = self._readings(spec)
        last_value, last_done, last_confidence, last_at, _ = readings[-1]
        kr = KeyResult(
            objective=objective,
            cycle_id=self.quarter.pk,
            title=title,
            kind=spec.kind.value,
            unit=spec.unit,
            start_value=spec.start,
            target_value=spec.target,
            signal=signal,
            weight=2.0 if rng.random() < 0.1 else 1.0,
            owner_id=owner.pk,
            source=KeyResult.Source.CHECK_INS,
            position=position,
            current_value=last_value,
            done=bool(last_done),
            progress=self._progress(spec, last_value, last_done),
            confidence=last_confidence,
            last_check_in_at=last_at,
            created_at=objective.created_at + dt.timedelta(minutes=1 + position),
        )
        return kr, readings

    def _readings(self, spec: scoring.KeyResultSpec) -> list[_Reading]:
        """Weekly readings (``_Reading``) following a plausible plan."""
        rng, weeks = self.rng, self.weeks
        out: list[_Reading] = []
        finish = min(1.1, max(0.05, rng.gauss(0.72, 0.22)))
        bend = rng.uniform(0.8, 1.3)
        done_week = rng.randint(max(1, math.ceil(weeks * 0.4)), math.ceil(weeks * 1.4))
        best = 0.0
        for week, stamps in enumerate(self._stamps, start=1):
            at, stamp = stamps[rng.randrange(0, 600)]
            share = week / weeks
            value: float | None = None
            done: bool | None = None
            if spec.kind is scoring.KeyResultKind.MILESTONE:
                done = week >= done_week
                if done:
                    confidence = "on_track"
                else:
                    confidence = (
                        "off_track" if share > 0.85 else "at_risk" if share > 0.6 else "on_track"
                    )
            elif spec.kind is scoring.KeyResultKind.STAY_ABOVE:
                assert spec.target is not None
                breach = rng.random() < 0.1
                value = round(spec.target + (-1 if breach else 1) * rng.uniform(0.5, 8.0), 1)
                confidence = "off_track" if breach else "on_track"
            else:
                assert spec.start is not None and spec.target is not None
                planned = finish * share**bend
                wobble = rng.uniform(-0.05, 0.05) * (1 - share)
                progress = max(0.0, planned + wobble)
                if spec.kind is scoring.KeyResultKind.INCREASE:
                    progress = max(progress, best)  # counts only go up
                    best = progress
                value = float(round(spec.start + (spec.target - spec.start) * progress))
                pace = progress / max(share, 0.08)
                confidence = (
                    "on_track" if pace >= 0.8 else "at_risk" if pace >= 0.6 else "off_track"
                )
            out.append((value, done, confidence, at, stamp))
        return out

    def _progress(
        self, spec: scoring.KeyResultSpec, value: float | None, done: bool | None
    ) -> float:
        key = (spec.kind, spec.start, spec.target, value, done)
        hit = self._progress_cache.get(key)
        if hit is None:
            reading = scoring.Reading(value, done)
            hit = scoring.key_result_progress(spec, reading).value
            self._progress_cache[key] = hit
        return hit

    def _blockers(self, raised: list[_Raised]) -> None:
        """The blockers raised in these check-ins (saved already): all but the last
        fortnight's resolved, the latest still open with their owner."""
        if not raised:
            return
        latest = max(at for _, _, _, at, _ in raised)
        recent = latest - dt.timedelta(days=14)
        resolved, still_open = Blocker.State.RESOLVED.value, Blocker.State.OPEN.value
        rows: list[tuple[Any, ...]] = []
        for check_in_id, key_result_id, author_id, at, text in raised:
            if at < recent:
                settled = at + dt.timedelta(days=5)
                rows.append(
                    (key_result_id, check_in_id, text, author_id, None, resolved, at, at)
                    + (settled, "Sorted out with the team.", settled)
                )
            else:
                rows.append(
                    (key_result_id, check_in_id, text, author_id, author_id, still_open, at, at)
                    + (None, "", at)
                )
        insert_rows(Blocker, BLOCKER_COLUMNS, rows)

    def _words(self, confidence: str) -> tuple[str, str]:
        rng = self.rng
        if rng.random() >= 0.12:
            return "", ""
        if confidence == "off_track":
            return rng.choice(content.OFF_TRACK_NOTES), rng.choice(content.OFF_TRACK_BLOCKERS)
        if confidence == "at_risk":
            return rng.choice(content.AT_RISK_NOTES), rng.choice(content.AT_RISK_BLOCKERS)
        return rng.choice(content.ON_TRACK_NOTES), ""

    def _kr_revision(self, kr: KeyResult) -> tuple[Any, ...]:
        """The key result's first revision, as a row in ``KR_REVISION_COLUMNS`` order."""
        definition = tuple(getattr(kr, name) for name in KEY_RESULT_DEFINITION_FIELDS)
        # number 1, the definition, the reason, its author, valid from
        return (kr.pk, 1, *definition, "Created", kr.objective.created_by_id, kr.created_at)
