"""Grow the cascade by whole branches, through the actions, for the query-count tests."""

from __future__ import annotations

from lineofsight.goals import actions
from lineofsight.goals.models import Objective

from ..conftest import Cast


def add_branches(cast: Cast, root: Objective, count: int, start: int = 0) -> None:
    """``count`` more company objectives, each with team and individual objectives aligned
    to it, key results with check-ins and initiatives; plus children under ``root``."""
    for i in range(start, start + count):
        company = actions.create_objective(
            acting_user=cast.cora,
            title=f"Company objective {i}",
            level="company",
            cycle=cast.q4,
            owner_team=cast.acme,
            progress_mode="both",
        )
        kr = actions.create_key_result(
            acting_user=cast.cora,
            objective=company,
            title=f"Company key result {i}",
            kind="increase",
            start_value=0,
            target_value=10,
            owner=cast.cora,
        )
        actions.record_check_in(acting_user=cast.cora, key_result=kr, value=i, confidence="at_risk")
        for parent in (company, root):
            team = actions.create_objective(
                acting_user=cast.sam,
                title=f"Sales objective {i} under {parent.pk}",
                level="team",
                cycle=cast.q4,
                owner_team=cast.enterprise,
            )
            actions.align_objective(acting_user=cast.sam, child=team, parent_objective=parent)
            own = actions.create_objective(
                acting_user=cast.ava,
                title=f"Ava objective {i} under {parent.pk}",
                level="individual",
                cycle=cast.q4,
                owner_person=cast.ava,
                visibility="private" if i % 2 else "public",
            )
            actions.align_objective(acting_user=cast.ava, child=own, parent_objective=parent)
            own_kr = actions.create_key_result(
                acting_user=cast.ava,
                objective=own,
                title=f"Ava key result {i} under {parent.pk}",
                kind="increase",
                start_value=0,
                target_value=5,
                owner=cast.ava,
            )
            actions.create_initiative(
                acting_user=cast.ava, key_result=own_kr, title=f"Initiative {i}", owner=cast.ava
            )
            for value in (1, 2):
                actions.record_check_in(
                    acting_user=cast.ava, key_result=own_kr, value=value, confidence="on_track"
                )
        # More key results, check-ins and initiatives on the root itself.
        root_kr = actions.create_key_result(
            acting_user=cast.cora,
            objective=root,
            title=f"Root key result {i}",
            kind="increase",
            start_value=0,
            target_value=10,
            owner=cast.ava,
        )
        actions.create_initiative(
            acting_user=cast.ava, key_result=root_kr, title=f"Root initiative {i}", owner=cast.pia
        )
        actions.record_check_in(
            acting_user=cast.ava, key_result=root_kr, value=3, confidence="off_track"
        )
