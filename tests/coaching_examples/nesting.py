"""Nesting: chains too deep from a company objective, and individuals who skip their team.

Levels count from the company objective (level 1); the default limit is 4 (company,
department, team, individual). People 5 (Pia) and 7 (Dev) sit in Enterprise Sales, 9 (Mira)
in Platform.
"""

from __future__ import annotations

from lineofsight.coach.rules.facts import AlignmentEdge, CoachSettings

from . import Example, flags
from .build import TEAM, obj, population

DEEP = "nesting.too_deep"
SKIPPED = "nesting.skipped_level"
TEAMS = {5: TEAM["Enterprise Sales"], 7: TEAM["Enterprise Sales"], 9: TEAM["Platform"]}


def _examples() -> list[Example]:
    out: list[Example] = []

    def add(name: str, pop: object, *expected: tuple[str, int],
            settings: CoachSettings | None = None) -> None:
        out.append(Example(name, pop, flags(*expected), settings))  # type: ignore[arg-type]

    company = obj("Grow ARR from $12M to $18M", level="company")
    sales = obj("Land 40 enterprise logos", team="Sales", parent_objective_ids=(company.id,),
                rationale="Enterprise logos are most of the ARR gap.")
    enterprise = obj("Build enterprise pipeline for 40 logos", team="Enterprise Sales",
                     parent_objective_ids=(sales.id,), rationale="Pipeline becomes logos.")
    ae = obj("Build and close pipeline for the team quota", level="individual", person=5,
             parent_objective_ids=(enterprise.id,), rationale="My share of the pipeline.")
    add("the worked example: company, department, team, person",
        population(company, sales, enterprise, ae, person_teams=TEAMS))

    pod = obj("Win the healthcare pilots", team="Enterprise Sales",
              parent_objective_ids=(enterprise.id,))
    deep = obj("Run three healthcare pilot workshops", level="individual", person=7,
               parent_objective_ids=(pod.id,))
    add("a pod objective between the team and the person: five levels",
        population(company, sales, enterprise, pod, deep, person_teams=TEAMS), (DEEP, deep.id))
    deeper = obj("Book the pilot venues", level="individual", person=5,
                 parent_objective_ids=(deep.id,))
    add("six levels: only the first past the limit is named",
        population(company, sales, enterprise, pod, deep, deeper, person_teams=TEAMS),
        (DEEP, deep.id))
    add("a deeper organisation that allows five levels",
        population(company, sales, enterprise, pod, deep, person_teams=TEAMS),
        settings=CoachSettings(max_nesting_depth=5))
    add("a stricter organisation (three levels)",
        population(company, sales, enterprise, ae, person_teams=TEAMS), (DEEP, ae.id),
        settings=CoachSettings(max_nesting_depth=3))
    short = obj("Shorten the deal cycle below 90 days", level="individual", person=7,
                parent_objective_ids=(sales.id,))
    add("a shortcut elsewhere does not make a deep chain shallow, the shortest chain counts",
        population(company, sales, enterprise, pod, short, person_teams=TEAMS))
    # The chain runs through objectives outside the scope: only their links are known.
    platform = obj("Make the platform boringly reliable", team="Platform",
                   parent_objective_ids=(4001,))
    mira = obj("Automate the failover drill", level="individual", person=9,
               parent_objective_ids=(platform.id,))
    edges = (AlignmentEdge(4001, "team", 4002, "team"), AlignmentEdge(4002, "team", 4003,
             "company"))
    add("a chain through objectives outside the scope (engineering, five levels)",
        population(platform, mira, person_teams=TEAMS, alignment=edges), (DEEP, mira.id))

    # Skipped levels.
    skipper = obj("Close six enterprise deals", level="individual", person=7,
                  parent_objective_ids=(company.id,))
    add("straight to the company while the team has an objective under it",
        population(company, sales, ent := obj(
            "Own enterprise pipeline", team="Enterprise Sales",
            parent_objective_ids=(company.id,)), skipper, person_teams=TEAMS),
        (SKIPPED, skipper.id))
    add("straight to a company key result, the team aligned to the objective",
        population(company, ent, k := obj(
            "Qualify 25 outbound opportunities", level="individual", person=5,
            parent_key_result_ids=(company.key_results[0].id,)), person_teams=TEAMS),
        (SKIPPED, k.id))
    add("straight to the company, the team has nothing under it (nothing to align to)",
        population(company, sales, skipper, person_teams=TEAMS))
    other = obj("Grow gross margin to 70%", level="company")
    add("the team's objective serves another company objective",
        population(company, other, obj("Cut infrastructure cost per customer", team="Platform",
                                       parent_objective_ids=(other.id,)),
                   sre := obj("Ship the uptime dashboard", level="individual", person=9,
                              parent_objective_ids=(company.id,)), person_teams=TEAMS))
    del sre
    add("the team's objective is a draft: nothing to align to yet",
        population(company, obj("Own enterprise pipeline", team="Enterprise Sales",
                                parent_objective_ids=(company.id,), state="draft"),
                   skipper, person_teams=TEAMS))
    edges = (AlignmentEdge(4100, "team", company.id, "company", TEAM["Enterprise Sales"], True),)
    add("the team's objective is outside the scope but open",
        population(company, skipper, person_teams=TEAMS, alignment=edges), (SKIPPED, skipper.id))
    edges = (AlignmentEdge(4100, "team", company.id, "company", TEAM["Enterprise Sales"], False),)
    add("the team's objective is outside the scope and private: not pointed to",
        population(company, skipper, person_teams=TEAMS, alignment=edges))
    add("a person with no team", population(company, sales, ent, skipper))
    add("a development goal is never about the cascade",
        population(company, ent, obj("Learn negotiation", level="individual", person=7,
                                     parent_objective_ids=(company.id,), is_development=True),
                   person_teams=TEAMS))
    return out


EXAMPLES = _examples()
