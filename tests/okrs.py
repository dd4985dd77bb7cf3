"""A small cascade on top of the cast, built through the actions (as a user would).

It is set up on the first morning of Q4 2026 (Thursday 1 October), as a team plans its
quarter: check-ins are due, missed and escalated from then on. Everything else happens on
the suite's clock, weeks later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lineofsight.goals import actions
from lineofsight.goals.models import KeyResult, Objective

from .conftest import Cast


@dataclass
class Cascade:
    company: Objective  # FY 2026, owned by Acme, rolls up from its key results
    logos: KeyResult  # company KR measured by check-ins: 0 -> 40 new logos (Q4)
    verticals: KeyResult  # company KR rolled up from aligned objectives
    sales: Objective  # Q4, Sales department, key results and children
    sales_opps: KeyResult
    ava_obj: Objective  # Q4, Ava, contributes to Sales
    ava_opps: KeyResult  # 0 -> 25
    ava_legal: KeyResult  # 0 -> 10
    ava_closes: KeyResult  # 0 -> 6
    platform: Objective  # Q4, Platform team, contributes to the verticals KR


SET_UP_AT = dt.datetime(2026, 10, 1, 8, tzinfo=dt.UTC)


def build_cascade(cast: Cast) -> Cascade:
    at = SET_UP_AT
    company = actions.create_objective(
        acting_user=cast.cora,
        title="Grow ARR from $12M to $18M",
        level="company",
        cycle=cast.fy,
        owner_team=cast.acme,
        commitment="committed",
        at=at,
    )
    logos = actions.create_key_result(
        acting_user=cast.cora,
        objective=company,
        title="40 new enterprise logos (ACV > $150K)",
        kind="increase",
        start_value=0,
        target_value=40,
        unit="logos",
        owner=cast.sam,
        cycle=cast.q4,
        at=at,
    )
    verticals = actions.create_key_result(
        acting_user=cast.cora,
        objective=company,
        title="Two new verticals with more than 10 paying customers each",
        kind="increase",
        start_value=0,
        target_value=2,
        owner=cast.eli,
        source="aligned",
        cycle=cast.q4,
        at=at,
    )
    sales = actions.create_objective(
        acting_user=cast.sam,
        title="Generate and close enough enterprise pipeline for 40 new logos",
        level="team",
        cycle=cast.q4,
        owner_team=cast.sales,
        progress_mode="both",
        rationale="Logos come from pipeline we generate and close.",
        at=at,
    )
    sales_opps = actions.create_key_result(
        acting_user=cast.sam,
        objective=sales,
        title="200 qualified enterprise opportunities",
        kind="increase",
        start_value=0,
        target_value=200,
        owner=cast.sam,
        signal="leading",
        at=at,
    )
    actions.align_objective(
        acting_user=cast.sam, child=sales, parent_key_result=logos, kind="supports", at=at
    )
    ava_obj = actions.create_objective(
        acting_user=cast.ava,
        title="Build and close enterprise pipeline for the team quota",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        at=at,
    )
    ava_opps = actions.create_key_result(
        acting_user=cast.ava,
        objective=ava_obj,
        title="25 opportunities qualified from outbound",
        kind="increase",
        start_value=0,
        target_value=25,
        owner=cast.ava,
        signal="leading",
        at=at,
    )
    ava_legal = actions.create_key_result(
        acting_user=cast.ava,
        objective=ava_obj,
        title="10 past legal review",
        kind="increase",
        start_value=0,
        target_value=10,
        owner=cast.ava,
        signal="leading",
        at=at,
    )
    ava_closes = actions.create_key_result(
        acting_user=cast.ava,
        objective=ava_obj,
        title="6 new enterprise closes",
        kind="increase",
        start_value=0,
        target_value=6,
        owner=cast.ava,
        at=at,
    )
    # Ava may not edit the Sales objective: her contribution is a proposal Sam accepts.
    proposed = actions.align_objective(
        acting_user=cast.ava, child=ava_obj, parent_objective=sales, at=at
    )
    actions.accept_alignment(acting_user=cast.sam, link=proposed, at=at)
    platform = actions.create_objective(
        acting_user=cast.eli,
        title="Ship the healthcare vertical edition",
        level="team",
        cycle=cast.q4,
        owner_team=cast.platform,
        at=at,
    )
    actions.create_key_result(
        acting_user=cast.eli,
        objective=platform,
        title="Healthcare edition generally available",
        kind="milestone",
        owner=cast.dev,
        at=at,
    )
    # Eli may not edit the company objective either: Cora accepts his proposal.
    proposed = actions.align_objective(
        acting_user=cast.eli, child=platform, parent_key_result=verticals, at=at
    )
    actions.accept_alignment(acting_user=cast.cora, link=proposed, at=at)
    return Cascade(
        company,
        logos,
        verticals,
        sales,
        sales_opps,
        ava_obj,
        ava_opps,
        ava_legal,
        ava_closes,
        platform,
    )
