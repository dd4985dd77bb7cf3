"""Focus: how many objectives an owner carries, and how many key results an objective has."""

from __future__ import annotations

from dataclasses import replace

from lineofsight.coach.rules.facts import CoachSettings

from . import Example, flags
from .build import YEAR_ID, filler_krs, kr, obj, population

PERSON = "focus.person_objectives"
TEAM = "focus.team_objectives"
FEW = "focus.too_few_key_results"
MANY = "focus.too_many_key_results"

PERSONAL = [
    "Build and close enterprise pipeline that supports team quota attainment",
    "Become the go-to expert on healthcare procurement",
    "Shorten my deal cycle in the mid-market",
    "Mentor the two new account executives to their first close",
    "Clean up the Salesforce pipeline hygiene",
    "Run the partner pilot in the Nordics",
]
TEAMWORK = [
    "Generate and close enough enterprise pipeline to hit 40 new logos",
    "Shorten the enterprise deal cycle",
    "Win the healthcare vertical",
    "Make renewals predictable",
    "Build a partner channel that sources a fifth of pipeline",
    "Get every new account executive productive in 60 days",
    "Move pricing to usage-based for new deals",
]


def person(count: int, *, states: tuple[str, ...] = (), cycles: tuple[int, ...] = (),
           who: int = 4, settings: CoachSettings | None = None, name: str = "",
           flagged: bool) -> Example:
    objectives = []
    for i in range(count):
        objectives.append(obj(
            PERSONAL[i], level="individual", person=who,
            state=states[i] if i < len(states) else "active",
            cycle_id=cycles[i] if i < len(cycles) else 30,
        ))
    return Example(
        name=name or f"a person with {count} objectives",
        population=population(*objectives),
        expected=flags((PERSON, who)) if flagged else flags(),
        settings=settings,
    )


def team(count: int, *, states: tuple[str, ...] = (), name: str = "",
         settings: CoachSettings | None = None, flagged: bool) -> Example:
    objectives = [
        obj(TEAMWORK[i], team="Enterprise Sales",
            state=states[i] if i < len(states) else "active")
        for i in range(count)
    ]
    return Example(
        name=name or f"a team with {count} objectives",
        population=population(*objectives),
        expected=flags((TEAM, 3)) if flagged else flags(),
        settings=settings,
    )


def key_results(name: str, count: int, *, level: str = "team", abandoned: int = 0,
                expect: str | None = None, settings: CoachSettings | None = None,
                **kw: object) -> Example:
    krs = list(filler_krs(count))
    krs += [replace(k, state="abandoned") for k in filler_krs(abandoned)]
    owner = {"team": "Acme"} if level == "company" else (
        {"team": "Legal"} if level == "team" else {"person": 8})
    objective = obj("Make contract review a competitive advantage", level=level,
                    krs=tuple(krs), **owner, **kw)  # type: ignore[arg-type]
    return Example(
        name=name,
        population=population(objective),
        expected=flags((expect, objective.id)) if expect else flags(),
        settings=settings,
    )


def _worked_example() -> Example:
    company = obj("Grow ARR from $12M to $18M", level="company", krs=(
        kr("40 new enterprise logos (ACV > $150K)", target=40),
        kr("Net revenue retention from 105% to 115%", start=105, target=115, unit="%"),
        kr("Two new verticals with more than 10 paying customers each", target=2),
    ))
    sales = obj("Generate and close enough enterprise pipeline to hit 40 new logos",
                team="Sales", parent_objective_ids=(company.id,), krs=(
                    kr("200 qualified enterprise opportunities", target=200, signal="leading"),
                    kr("Deal cycle under 90 days", kind="stay_below", start=None, target=90),
                    kr("35% win rate on RFPs", start=20, target=35, unit="%"),
                ))
    ae = obj("Build and close enterprise pipeline that supports team quota attainment",
             level="individual", person=4, parent_objective_ids=(sales.id,), krs=(
                 kr("25 enterprise opportunities qualified from outbound", target=25),
                 kr("10 deals past legal review", target=10),
                 kr("6 new enterprise closes", target=6),
             ))
    return Example("worked example: company, sales team and account executive",
                   population(company, sales, ae))


def _draft_and_mixed() -> list[Example]:
    mixed_owner = [
        obj(PERSONAL[0], level="individual", person=5),
        obj(PERSONAL[1], level="individual", person=5),
        obj(PERSONAL[2], level="individual", person=5),
        obj(TEAMWORK[0], team="Enterprise Sales"),  # led by someone, owned by the team
    ]
    two_people = [obj(PERSONAL[i], level="individual", person=4 + (i % 2)) for i in range(6)]
    return [
        Example("team objectives do not count against a person",
                population(*mixed_owner)),
        Example("six objectives shared by two people, three each", population(*two_people)),
    ]


STRICT = CoachSettings(max_objectives_person=2, max_objectives_team=3)

EXAMPLES = [
    person(1, flagged=False),
    person(2, flagged=False),
    person(3, flagged=False, name="three objectives: the recommended maximum"),
    person(4, flagged=True, name="a fourth objective: which one to drop?"),
    person(5, flagged=True),
    person(6, flagged=True),
    person(4, flagged=False, states=("active", "active", "active", "abandoned"),
           name="four, one of them abandoned"),
    person(4, flagged=False, states=("active", "active", "closed", "active"),
           name="four, one of them closed"),
    person(4, flagged=True, states=("active", "active", "active", "draft"),
           name="four, the fourth a draft: drafts count"),
    person(4, flagged=False, cycles=(30, 30, 31, 31), name="four over two quarters, two in each"),
    person(5, flagged=True, cycles=(30, 30, 30, 30, 31),
           name="four in one quarter, one in the next"),
    person(3, flagged=True, settings=STRICT, name="three against an organisation limit of two"),
    person(2, flagged=False, settings=STRICT, name="two against an organisation limit of two"),
    team(3, flagged=False),
    team(5, flagged=False, name="five: the team maximum"),
    team(6, flagged=True, name="six team objectives"),
    team(7, flagged=True),
    team(6, states=("active",) * 5 + ("abandoned",), flagged=False,
         name="six, one of them abandoned"),
    team(4, settings=STRICT, flagged=True, name="four against an organisation limit of three"),
    key_results("no key results", 0, expect=FEW),
    key_results("a single key result", 1, expect=FEW),
    key_results("two key results", 2),
    key_results("three key results", 3),
    key_results("four key results", 4),
    key_results("five key results", 5, expect=MANY),
    key_results("seven key results", 7, expect=MANY),
    key_results("five, one abandoned", 4, abandoned=1),
    key_results("two, plus two abandoned: two count", 2, abandoned=2),
    key_results("one, plus two abandoned", 1, abandoned=2, expect=FEW),
    key_results("individual objective with one", 1, level="individual", expect=FEW),
    key_results("individual objective with four", 4, level="individual"),
    key_results("company objective with two", 2, level="company", expect=FEW),
    key_results("company objective with three", 3, level="company"),
    key_results("company objective with five", 5, level="company"),
    key_results("company objective with six", 6, level="company", expect=MANY),
    key_results("rolled up from its children, no key results", 0, level="company",
                progress_mode="children"),
    key_results("rolled up from children and key results, with one", 1,
                progress_mode="both", expect=FEW),
    key_results("abandoned objective with seven", 7, state="abandoned"),
    key_results("draft objective with one", 1, state="draft", expect=FEW),
    key_results("organisation allows six", 6,
                settings=CoachSettings(max_key_results=6)),
    key_results("company objective in the annual cycle with four", 4, level="company",
                cycle_id=YEAR_ID),
    _worked_example(),
    *_draft_and_mixed(),
]
