"""The worked example in the cast's closed quarter (Q3 2026), for the evidence pack.

Built through the actions with history timestamps inside the quarter (the quarter is
reopened for the build and closed again by HR, which stores the grades):

* Acme's "Grow ARR from $12M to $18M" (FY 2026) with Q3 key results: 40 new enterprise
  logos (34 at the end) and net revenue retention from 105 % to 115 % (111).
* Enterprise Sales's "Generate and close enough enterprise pipeline for 40 new logos"
  (Q3), contributing to it, with "200 qualified enterprise opportunities" (150).
* Ava's "Build and close enterprise pipeline for the team quota" (Q3), contributing to the
  team objective: 22 of 25 qualified, 8 of 10 past legal review, 5 of 6 closes, called on
  track early and at risk late; an initiative of hers; a retrospective.
* Enterprise Sales's Q4 objective, for the forward-looking drafts.

``build_year`` carries Ava on into Q4 (an objective of hers aligned to the team's Q4
objective, checked in on in November), for the annual review of FY 2026; ``after_the_year``
moves the clock past the year's end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import time_machine

from lineofsight.goals import actions
from lineofsight.goals.models import Cycle, KeyResult, Objective

from .conftest import Cast


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=dt.UTC)


@dataclass
class Example:
    company: Objective
    logos: KeyResult
    nrr: KeyResult
    team: Objective
    team_opps: KeyResult
    ava: Objective
    opps: KeyResult
    legal: KeyResult
    closes: KeyResult
    next_team: Objective


def build_example(cast: Cast, *, close: bool = True) -> Example:
    Cycle.objects.filter(pk=cast.q3.pk).update(state="active", closed_at=None)
    cast.q3.refresh_from_db()
    company = actions.create_objective(
        acting_user=cast.cora,
        title="Grow ARR from $12M to $18M",
        level="company",
        cycle=cast.fy,
        owner_team=cast.acme,
        commitment="committed",
        progress_mode="both",
        at=at(1, 5),
    )

    def kr(objective, by, title, target, owner, start=0, unit="", when=None, **more):
        return actions.create_key_result(
            acting_user=by,
            objective=objective,
            title=title,
            kind=more.pop("kind", "increase"),
            start_value=start,
            target_value=target,
            unit=unit,
            owner=owner,
            cycle=more.pop("cycle", cast.q3),
            at=when or at(6, 28),
            **more,
        )

    logos = kr(
        company, cast.cora, "40 new enterprise logos (ACV > $150K)", 40, cast.sam, unit="logos"
    )
    nrr = kr(
        company,
        cast.cora,
        "Net revenue retention from 105% to 115%",
        115,
        cast.cora,
        start=105,
        unit="%",
    )
    team = actions.create_objective(
        acting_user=cast.sam,
        title="Generate and close enough enterprise pipeline for 40 new logos",
        level="team",
        cycle=cast.q3,
        owner_team=cast.enterprise,
        commitment="committed",
        progress_mode="both",
        rationale="Logos come from pipeline we generate and close.",
        at=at(6, 28),
    )
    team_opps = kr(
        team, cast.sam, "200 qualified enterprise opportunities", 200, cast.sam, signal="leading"
    )
    # Sam may not edit the company objective: Cora accepts his team's contribution.
    proposal = actions.align_objective(
        acting_user=cast.sam, child=team, parent_objective=company, at=at(6, 28, 11)
    )
    actions.accept_alignment(acting_user=cast.cora, link=proposal, at=at(6, 28, 11))
    ava = actions.create_objective(
        acting_user=cast.ava,
        title="Build and close enterprise pipeline for the team quota",
        level="individual",
        cycle=cast.q3,
        owner_person=cast.ava,
        commitment="committed",
        rationale="My qualified pipeline and my closes are a share of the team's 40 logos.",
        at=at(6, 29),
    )
    opps = kr(
        ava,
        cast.ava,
        "25 enterprise opportunities qualified from outbound",
        25,
        cast.ava,
        unit="opportunities",
        signal="leading",
        when=at(6, 29),
    )
    legal = kr(
        ava,
        cast.ava,
        "10 opportunities past legal review",
        10,
        cast.ava,
        unit="opportunities",
        signal="leading",
        when=at(6, 29),
    )
    closes = kr(
        ava, cast.ava, "6 new enterprise closes", 6, cast.ava, unit="closes", when=at(6, 29)
    )
    proposal = actions.align_objective(
        acting_user=cast.ava, child=ava, parent_objective=team, at=at(6, 29, 11)
    )
    actions.accept_alignment(acting_user=cast.sam, link=proposal, at=at(6, 29, 11))
    actions.create_initiative(
        acting_user=cast.ava,
        key_result=opps,
        title="Outbound sequence for the top 50 healthcare accounts",
        owner=cast.ava,
        state="done",
    )
    calls = [
        (opps, [(7, 20, 10, "on_track"), (8, 20, 18, "on_track"), (9, 24, 22, "at_risk")]),
        (legal, [(7, 21, 3, "on_track"), (8, 21, 6, "at_risk"), (9, 25, 8, "at_risk")]),
        (closes, [(7, 22, 2, "on_track"), (8, 22, 4, "on_track"), (9, 26, 5, "off_track")]),
    ]
    for key_result, readings in calls:
        for month, day, value, confidence in readings:
            actions.record_check_in(
                acting_user=cast.ava,
                key_result=key_result,
                value=value,
                confidence=confidence,
                note=f"{value} so far",
                at=at(month, day),
            )
    actions.record_check_in(
        acting_user=cast.sam, key_result=team_opps, value=150, confidence="at_risk", at=at(9, 27)
    )
    actions.record_check_in(
        acting_user=cast.sam, key_result=logos, value=34, confidence="off_track", at=at(9, 28)
    )
    actions.record_check_in(
        acting_user=cast.cora, key_result=nrr, value=111, confidence="at_risk", at=at(9, 28)
    )
    next_team = actions.create_objective(
        acting_user=cast.sam,
        title="Close the late-stage pipeline for 42 new logos",
        level="team",
        cycle=cast.q4,
        owner_team=cast.enterprise,
        at=at(9, 29),
    )
    if close:
        actions.set_cycle_state(acting_user=cast.hana, cycle=cast.q3, state="closed")
        cast.q3.refresh_from_db()
        actions.save_retrospective(
            acting_user=cast.ava,
            objective=ava,
            what_happened="22 of 25 qualified, 8 past legal review, 5 closes.",
            in_control="The outbound volume was mine; the customer-side security reviews were not.",
            learned="Start security review at the first call.",
            decision="change",
        )
    return Example(company, logos, nrr, team, team_opps, ava, opps, legal, closes, next_team)


@dataclass
class Year:
    logistics: Objective
    logistics_opps: KeyResult


def build_year(cast: Cast, ex: Example) -> Year:
    """Ava's Q4: "Open the logistics vertical", aligned to Enterprise Sales's Q4 objective,
    3 of 5 logistics opportunities qualified by 20 November."""
    logistics = actions.create_objective(
        acting_user=cast.ava,
        title="Open the logistics vertical",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        commitment="committed",
        at=at(10, 2),
    )
    opps = actions.create_key_result(
        acting_user=cast.ava,
        objective=logistics,
        title="5 logistics opportunities qualified",
        kind="increase",
        start_value=0,
        target_value=5,
        unit="opportunities",
        owner=cast.ava,
        cycle=cast.q4,
        at=at(10, 2),
    )
    # Ava may not edit her team's objective: Sam accepts her contribution.
    proposal = actions.align_objective(
        acting_user=cast.ava, child=logistics, parent_objective=ex.next_team, at=at(10, 2, 11)
    )
    actions.accept_alignment(acting_user=cast.sam, link=proposal, at=at(10, 2, 12))
    actions.record_check_in(
        acting_user=cast.ava, key_result=opps, value=3, confidence="on_track", at=at(11, 20)
    )
    return Year(logistics, opps)


def after_the_year() -> time_machine.travel:
    """The clock in late January 2027: FY 2026 has ended."""
    return time_machine.travel(dt.datetime(2027, 1, 20, 9, tzinfo=dt.UTC), tick=False)
