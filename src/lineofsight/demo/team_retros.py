"""The demo's team retrospective: Vertical Editions looks back at the closed quarter.

Written together, as a team would: Hannah starts it, Omar adds what the team learned, Grace
(the lead) adds what will change and publishes it. Each save is a version of its own, so the
page's history shows three. It names the team's two objectives of that quarter, whose grades
stand beside it: healthcare (GA shipped, 7 of 10 paying customers) and logistics (public
beta shipped, 3 of 10 paying customers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lineofsight.demo import content
from lineofsight.demo.content import PREVIOUS
from lineofsight.goals import actions
from lineofsight.goals.models import Objective

if TYPE_CHECKING:
    from lineofsight.demo.world import DemoWorld

TEAM = "vertical-editions"
WHAT_MOVED = (
    "The healthcare edition went GA in week 9 and seven hospitals pay for it. The logistics "
    "edition reached public beta in week 11, and three pilot customers pay."
)
WHAT_DID_NOT_MOVE = (
    "Healthcare stopped at 7 of 10 customers: three hospitals froze budgets in the last month. "
    "Logistics stalled at 3 of 10: pilots like the beta but wait for GA, and the route-planning "
    "integration came late."
)
LEARNED = (
    "Paying customers follow general availability, not the beta: a date for GA sells more "
    "than a longer pilot. Integrations decide a vertical; we started route planning too late."
)
WILL_CHANGE = (
    "Take logistics to GA first this quarter, with route planning in week 4. Every vertical "
    "starts its integrations in the first two weeks, and Sales gets the GA date up front."
)


def load_team_retrospectives(loader: DemoWorld) -> None:
    """Vertical Editions' published retrospective of the closed quarter (run inside the
    loader's transaction, after the quarter is closed and closed out)."""
    quarter = loader.plan.quarters[PREVIOUS]
    team = loader.teams[TEAM]
    people = loader.people
    specs = {spec.key: spec for spec in content.quarter_objectives(PREVIOUS, quarter.name)}
    objectives = {
        key: Objective.objects.get(owner_team=team, cycle=quarter, title=specs[key].title).pk
        for key in ("healthcare", "logistics")
    }
    both = [objectives["healthcare"], objectives["logistics"]]
    # Who saves each version, and the sections it has by then (each adds one or two).
    saves = (
        ("hannah", {"what_moved": WHAT_MOVED, "what_did_not_move": WHAT_DID_NOT_MOVE}),
        ("omar", {"learned": LEARNED}),
        ("grace", {"will_change": WILL_CHANGE}),
    )
    texts: dict[str, str] = {}
    links = {"moved": both, "not_moved": both}
    version = None
    for who, added in saves:
        texts.update(added)
        if "will_change" in added:
            links["change"] = [objectives["logistics"]]
        saved = actions.save_team_retrospective(
            acting_user=people[who],
            team=team,
            cycle=quarter,
            links=links,
            base_version=version,
            **texts,
        )
        version = saved.version
    actions.publish_team_retrospective(acting_user=people["grace"], team=team, cycle=quarter)
