"""A few objectives, key results and initiatives to search, on top of the cast, made through
the actions: Ava's public, team-visible and private objectives (the private one with a key
result and an initiative), an abandoned one, and one in the closed Q3."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lineofsight.goals import actions
from lineofsight.goals.models import Initiative, KeyResult, Objective

from .conftest import Cast

AT = dt.datetime(2026, 10, 2, 9, tzinfo=dt.UTC)
IN_Q3 = dt.datetime(2026, 8, 3, 9, tzinfo=dt.UTC)


@dataclass
class Searchable:
    public: Objective
    team: Objective
    private: Objective
    private_kr: KeyResult
    private_initiative: Initiative
    public_kr: KeyResult
    abandoned: Objective
    last_quarter: Objective


def build(cast: Cast) -> Searchable:
    def objective(title: str, visibility: str, **more: object) -> Objective:
        return actions.create_objective(
            acting_user=more.pop("acting_user", cast.ava),  # type: ignore[arg-type]
            title=title,
            level="individual",
            cycle=more.pop("cycle", cast.q4),  # type: ignore[arg-type]
            owner_person=cast.ava,
            visibility=visibility,
            at=more.pop("at", AT),  # type: ignore[arg-type]
            **more,  # type: ignore[arg-type]
        )

    def key_result(o: Objective, title: str) -> KeyResult:
        return actions.create_key_result(
            acting_user=cast.ava,
            objective=o,
            title=title,
            kind="increase",
            start_value=0,
            target_value=10,
            owner=cast.ava,
            at=AT,
        )

    public = objective(
        "Onboarding that customers finish",
        "public",
        description="Self-serve setup for the healthcare vertical",
    )
    public_kr = key_result(public, "Onboarding completion from 40% to 70%")
    team = objective("Renewal playbook for the team", "team")
    private = objective("Zephyrine secret onboarding plan", "private")
    private_kr = key_result(private, "Quetzal private milestone reached")
    private_initiative = actions.create_initiative(
        acting_user=cast.ava,
        key_result=private_kr,
        title="Xylograph hidden workshop",
        owner=cast.ava,
    )
    abandoned = objective("Onboarding webinars weekly", "public")
    actions.abandon_objective(acting_user=cast.ava, objective=abandoned, reason="Merged.")
    abandoned.refresh_from_db()
    last_quarter = objective(
        "Onboarding pilot with two clinics",
        "public",
        cycle=cast.q3,
        at=IN_Q3,
        acting_user=cast.hana,
        amendment_reason="Recorded after the quarter closed.",
    )
    return Searchable(
        public, team, private, private_kr, private_initiative, public_kr, abandoned, last_quarter
    )
