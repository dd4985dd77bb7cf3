"""A small discussion world on top of the cast: Ava's private objective (seen by Ava, her
manager Sam, Cora above him and HR; not by Pia, Dev or Otto) and Sales's public one, each
with a key result and a check-in."""

from __future__ import annotations

from dataclasses import dataclass

from lineofsight.goals import actions
from lineofsight.goals.models import CheckIn, KeyResult, Objective

from .conftest import Cast


@dataclass
class World:
    private: Objective
    private_kr: KeyResult
    private_check_in: CheckIn
    public: Objective
    public_kr: KeyResult


def build_world(cast: Cast) -> World:
    private = actions.create_objective(
        acting_user=cast.ava,
        title="Close my first two enterprise deals",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    private_kr = actions.create_key_result(
        acting_user=cast.ava,
        objective=private,
        title="Two signed contracts",
        kind="increase",
        start_value=0,
        target_value=2,
        owner=cast.ava,
    )
    check_in = actions.record_check_in(
        acting_user=cast.ava,
        key_result=private_kr,
        value=1,
        confidence="at_risk",
        note="Legal review is slow on the second deal.",
    )
    public = actions.create_objective(
        acting_user=cast.sam,
        title="Build enterprise pipeline",
        level="team",
        cycle=cast.q4,
        owner_team=cast.sales,
    )
    public_kr = actions.create_key_result(
        acting_user=cast.sam,
        objective=public,
        title="40 qualified opportunities",
        kind="increase",
        start_value=0,
        target_value=40,
        owner=cast.sam,
    )
    return World(private, private_kr, check_in, public, public_kr)
