"""Writing OKRs together in the demo: Northwind approves objectives (HR's setting), and
Enterprise Sales is planning next quarter while this one runs.

* next quarter's cycle exists, in planning;
* Jordan Blake's draft is proposed to Priya Natarajan and awaits her approval (shared for
  comment with Sofia Marin first);
* Sofia Marin's draft was sent back by Priya with what to change;
* Priya's team draft for Enterprise Sales is shared with the team for comment;
* Ahmed Hassan copied one of this quarter's objectives to next quarter, as a draft.
"""

from __future__ import annotations

from lineofsight.demo.content import CURRENT
from lineofsight.demo.world import DemoWorld
from lineofsight.goals import actions
from lineofsight.goals.actions import KeyResultInput
from lineofsight.goals.models import Objective
from lineofsight.people import actions as people_actions

DRAFTS = (
    (
        "jordan",
        "Open the Nordic healthcare market",
        "Healthcare buyers in the Nordics choose us for analytics they can audit.",
        (
            KeyResultInput("Signed Nordic healthcare pilots", start_value=0, target_value=3,
                           unit="pilots"),  # fmt: skip
            KeyResultInput("Qualified healthcare pipeline", start_value=0, target_value=450,
                           unit="k€"),  # fmt: skip
            KeyResultInput("Median days from first call to pilot", kind="decrease",
                           start_value=70, target_value=45, unit="days"),  # fmt: skip
        ),
    ),
    (
        "sofia",
        "Win back the accounts we lost last year",
        "Former customers see what changed and come back.",
        (
            KeyResultInput("Former customers signed again", start_value=0, target_value=5,
                           unit="accounts"),  # fmt: skip
            KeyResultInput("Win-back meetings held", start_value=0, target_value=25,
                           unit="meetings"),  # fmt: skip
        ),
    ),
)
SENT_BACK = (
    "Meetings held is an activity. How many of those meetings become qualified "
    "opportunities? Make the second key result that, and say which accounts you start with."
)


def load_drafting(loader: DemoWorld) -> int:
    """The drafts above; returns how many drafts were made."""
    people = loader.people
    if not all(name in people for name in ("priya", "jordan", "sofia", "ahmed")):
        return 0
    upcoming = actions.create_following_cycle(
        acting_user=None, current=loader.plan.quarters[CURRENT]
    )
    people_actions.set_okr_approval(acting_user=None, on=True)
    made = []
    for username, title, description, rows in DRAFTS:
        person = people[username]
        made.append(
            actions.create_objective_with_key_results(
                acting_user=person,
                title=title,
                description=description,
                level="individual",
                cycle=upcoming,
                owner_person=person,
                state=Objective.State.DRAFT,
                key_results=[
                    KeyResultInput(
                        r.title, r.kind, r.start_value, r.target_value, r.unit, owner=person
                    )
                    for r in rows
                ],
            )
        )
    jordans, sofias = made
    actions.share_draft(
        acting_user=people["jordan"], objective=jordans, sharing="people", people=[people["sofia"]]
    )
    actions.propose_objective(
        acting_user=people["jordan"],
        objective=jordans,
        note="Built on this quarter's healthcare discovery; the pilots are with three hospitals.",
    )
    actions.propose_objective(acting_user=people["sofia"], objective=sofias)
    actions.request_changes(acting_user=people["priya"], objective=sofias, comment=SENT_BACK)
    enterprise = loader.teams.get("enterprise-sales")
    if enterprise is not None:
        team_draft = actions.create_objective_with_key_results(
            acting_user=people["priya"],
            title="Make Enterprise Sales the team healthcare buyers call first",
            level="team",
            cycle=upcoming,
            owner_team=enterprise,
            state=Objective.State.DRAFT,
            key_results=[
                KeyResultInput("New healthcare logos", start_value=0, target_value=4,
                               unit="logos"),  # fmt: skip
                KeyResultInput("Win rate on healthcare opportunities", start_value=18,
                               target_value=28, unit="%"),  # fmt: skip
            ],
        )
        actions.share_draft(acting_user=people["priya"], objective=team_draft, sharing="audience")
        made.append(team_draft)
    ahmed_now = (
        Objective.objects.filter(
            owner_person=people["ahmed"],
            cycle=loader.plan.quarters[CURRENT],
            state=Objective.State.ACTIVE,
        )
        .order_by("pk")
        .first()
    )
    if ahmed_now is not None:
        made.append(
            actions.copy_objective_to_cycle(
                acting_user=people["ahmed"], objective=ahmed_now, cycle=upcoming
            )
        )
    return len(made)
