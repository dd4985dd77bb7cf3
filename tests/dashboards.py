"""A cascade with a check-in history, for the dashboard tests: planned before Q4 2026 began,
then weekly check-ins on Mondays, each owner with their own habits.

    Grow ARR (FY 2026, Acme, committed) ...... 40 new logos (Q4, Sam): 3 a week
    Sales pipeline (Q4, Sales, both) ......... 200 opportunities (Sam): 12 a week
    └── Ava's pipeline (Q4, Ava) ............. 25 opportunities (Ava): 2 a week, missed week 3
                                               6 closes (Ava): every other week
    Ava's private territory (Q4, private) .... 8 discovery calls (Ava): 1 a week
    Healthcare edition (Q4, Platform) ........ generally available (Dev): done on 16 Nov
                                               p95 latency 400 -> 200 ms (Dev): -10 a week

Everything is written through the actions, dated with ``at=``, so the history is what people
using the product would have produced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lineofsight.goals import actions
from lineofsight.goals.models import KeyResult, Objective

from .conftest import Cast

UTC = dt.UTC
PLANNED = dt.datetime(2026, 9, 28, 9, tzinfo=UTC)
MONDAYS = [dt.date(2026, 10, 5) + dt.timedelta(days=7 * i) for i in range(7)]  # to 16 Nov


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=UTC)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=UTC)


@dataclass
class Tracked:
    cast: Cast
    company: Objective
    logos: KeyResult
    sales: Objective
    opps: KeyResult
    ava_obj: Objective
    ava_opps: KeyResult
    ava_closes: KeyResult
    secret: Objective
    secret_kr: KeyResult
    platform: Objective
    launch: KeyResult
    latency: KeyResult

    @property
    def key_results(self) -> list[KeyResult]:
        return [
            self.logos,
            self.opps,
            self.ava_opps,
            self.ava_closes,
            self.secret_kr,
            self.launch,
            self.latency,
        ]


def build_tracked(cast: Cast) -> Tracked:
    a = PLANNED

    def objective(who, **kw) -> Objective:  # type: ignore[no-untyped-def]
        return actions.create_objective(acting_user=who, at=a, **kw)

    def key_result(who, objective, **kw) -> KeyResult:  # type: ignore[no-untyped-def]
        return actions.create_key_result(acting_user=who, objective=objective, at=a, **kw)

    company = objective(
        cast.cora,
        title="Grow ARR from $12M to $18M",
        level="company",
        cycle=cast.fy,
        owner_team=cast.acme,
        commitment="committed",
    )
    logos = key_result(
        cast.cora, company, title="40 new enterprise logos", kind="increase", start_value=0,
        target_value=40, unit="logos", owner=cast.sam, cycle=cast.q4,
    )
    sales = objective(
        cast.sam,
        title="Generate and close enough enterprise pipeline",
        level="team",
        cycle=cast.q4,
        owner_team=cast.sales,
        progress_mode="both",
    )
    opps = key_result(
        cast.sam, sales, title="200 qualified opportunities", kind="increase", start_value=0,
        target_value=200, owner=cast.sam,
    )
    ava_obj = objective(
        cast.ava,
        title="Build and close pipeline for the team quota",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
    )
    actions.align_objective(acting_user=cast.ava, child=ava_obj, parent_objective=sales, at=a)
    ava_opps = key_result(
        cast.ava, ava_obj, title="25 opportunities qualified", kind="increase", start_value=0,
        target_value=25, owner=cast.ava,
    )
    ava_closes = key_result(
        cast.ava, ava_obj, title="6 new enterprise closes", kind="increase", start_value=0,
        target_value=6, owner=cast.ava,
    )
    secret = objective(
        cast.ava,
        title="Move to the healthcare territory",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    secret_kr = key_result(
        cast.ava, secret, title="8 healthcare discovery calls", kind="increase", start_value=0,
        target_value=8, owner=cast.ava,
    )
    platform = objective(
        cast.eli,
        title="Ship the healthcare vertical edition",
        level="team",
        cycle=cast.q4,
        owner_team=cast.platform,
    )
    launch = key_result(
        cast.eli, platform, title="Healthcare edition generally available", kind="milestone",
        owner=cast.dev,
    )
    latency = key_result(
        cast.eli, platform, title="p95 latency from 400 to 200 ms", kind="decrease",
        start_value=400, target_value=200, unit="ms", owner=cast.dev,
    )
    return Tracked(
        cast, company, logos, sales, opps, ava_obj, ava_opps, ava_closes, secret, secret_kr,
        platform, launch, latency,
    )


def record_weeks(world: Tracked, weeks: range) -> None:
    """The check-ins of the given weeks (0 = Monday 5 October ... 6 = Monday 16 November)."""
    c = world.cast

    def check_in(who, kr, week, **kw) -> None:  # type: ignore[no-untyped-def]
        actions.record_check_in(
            acting_user=who, key_result=kr, at=at(MONDAYS[week]), confidence=kw.pop(
                "confidence", "on_track"
            ), **kw,
        )

    for week in weeks:
        n = week + 1
        check_in(c.sam, world.logos, week, value=3 * n, confidence="at_risk")
        check_in(c.sam, world.opps, week, value=12 * n)
        if week != 2:
            check_in(c.ava, world.ava_opps, week, value=2 * n)
        if week % 2 == 0:
            check_in(c.ava, world.ava_closes, week, value=week // 2, confidence="off_track")
        check_in(c.ava, world.secret_kr, week, value=n)
        check_in(c.dev, world.launch, week, done=week == 6)
        check_in(c.dev, world.latency, week, value=400 - 10 * n)
