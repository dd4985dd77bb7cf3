"""A quarter to close, on top of the cascade: the worked example's figures, with confidence
calls along the way, and the next quarter to carry unfinished key results into."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lineofsight.goals import actions
from lineofsight.goals.models import Cycle, Objective

from .conftest import Cast
from .okrs import Cascade


@dataclass
class Next:
    year: Cycle  # FY 2027
    quarter: Cycle  # Q1 2027, active


def record_quarter(cast: Cast, c: Cascade) -> None:
    """Ava lands the worked example (22 of 25, 8 of 10, 5 of 6), calling it on track early
    and at risk late; Sam's opportunities reach 150 of 200; the company has 34 logos."""
    calls = [
        (c.ava_opps, [(10, "on_track"), (18, "on_track"), (22, "at_risk")]),
        (c.ava_legal, [(3, "on_track"), (6, "at_risk"), (8, "at_risk")]),
        (c.ava_closes, [(2, "on_track"), (4, "on_track"), (5, "off_track")]),
    ]
    for kr, readings in calls:
        for value, confidence in readings:
            actions.record_check_in(
                acting_user=cast.ava, key_result=kr, value=value, confidence=confidence
            )
    actions.record_check_in(
        acting_user=cast.sam, key_result=c.sales_opps, value=150, confidence="at_risk"
    )
    actions.record_check_in(
        acting_user=cast.sam, key_result=c.logos, value=34, confidence="off_track"
    )


def close(cast: Cast, cycle: Cycle) -> Cycle:
    return actions.set_cycle_state(acting_user=cast.hana, cycle=cycle, state="closed")


def next_quarter(cast: Cast) -> Next:
    year = actions.create_cycle(
        acting_user=cast.hana,
        name="FY 2027",
        kind="annual",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 12, 31),
        state="active",
    )
    quarter = actions.create_cycle(
        acting_user=cast.hana,
        name="Q1 2027",
        kind="quarter",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
        parent=year,
        state="active",
    )
    return Next(year, quarter)


def fresh(obj):  # type: ignore[no-untyped-def]
    return type(obj).objects.get(pk=obj.pk)


def ava_next_objective(cast: Cast, nxt: Next) -> Objective:
    return actions.create_objective(
        acting_user=cast.ava,
        title="Close the late-stage pipeline",
        level="individual",
        cycle=nxt.quarter,
        owner_person=cast.ava,
    )
