"""Searching: text matches from the index, filtered by the one access policy, ranked, grouped.

A hit is shown only if the searcher may open it: objectives, key results and initiatives
through ``visible_to`` (the goals access policy), people and teams through the directory's
selectors. Nothing is counted beyond what is shown, so an invisible match leaves no trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone

from lineofsight.goals.models import Initiative, KeyResult, Objective
from lineofsight.people.models import Person, Team
from lineofsight.people.selectors import people_visible_to, teams_visible_to
from lineofsight.search import index
from lineofsight.search.query import Query, parse

KINDS = index.KINDS
LABELS = {
    "objective": "Objectives",
    "key_result": "Key results",
    "initiative": "Initiatives",
    "person": "People",
    "team": "Teams",
}
DEFAULT_LIMIT = 5
MAX_LIMIT = 20


@dataclass(frozen=True)
class Result:
    kind: str
    id: int
    title: str
    page: tuple[str, int, str]  # the page's URL name, its id and a fragment
    context: str  # the cycle, team or owner, or a person's job title
    state: str  # "" when live, else "Abandoned", "Closed", "Inactive"...
    rank: tuple[Any, ...] = field(compare=False, repr=False)

    @property
    def url(self) -> str:
        """Worked out only for the results shown: most candidates are ranked and dropped."""
        name, pk, fragment = self.page
        return reverse(name, args=[pk]) + fragment


@dataclass(frozen=True)
class Group:
    kind: str
    label: str
    results: list[Result]


@dataclass(frozen=True)
class Results:
    query: Query
    groups: list[Group]

    @property
    def total(self) -> int:
        return sum(len(g.results) for g in self.groups)


def _current(state: str, start: Any, end: Any, today: Any) -> bool:
    return state == "active" and start <= today <= end


def _objective_state(state: str, cycle_state: str) -> str:
    if state == "abandoned":
        return "Abandoned"
    if state == "draft":
        return "Draft"
    if state == "closed" or cycle_state == "closed":
        return "Closed"
    return ""


# How far from live a state is: live and drafts first, then what a closed cycle keeps, then
# what was abandoned or cancelled.
_STALENESS = {"": 0, "Draft": 0, "Done": 1, "Closed": 1, "Abandoned": 2, "Cancelled": 2}


def _rank(
    query: Query, title: str, state: str, current: bool, score: int, pk: int
) -> tuple[Any, ...]:
    """Titles over descriptions, live over closed over abandoned, whole words over prefixes,
    the current cycle first, then the newest."""
    quality = query.title_quality(title)
    return (quality == 2 or score > 0, _STALENESS.get(state, 1), quality, not current, -pk)


# The readers fetch plain rows (no model instances): a letter or two brings a few hundred
# candidates, of which a handful are shown.
_PERSON = ("display_name", "first_name", "last_name", "username")


def _objectives(person: Person, query: Query, scores: dict[int, int], today: Any) -> list[Result]:
    rows = (
        Objective.objects.visible_to(person)
        .filter(pk__in=list(scores))
        .values_list(
            "pk",
            "title",
            "state",
            "cycle__name",
            "cycle__state",
            "cycle__start_date",
            "cycle__end_date",
            "owner_team__name",
            *(f"owner_person__{f}" for f in _PERSON),
        )
    )
    found = []
    for pk, title, state, cycle, cycle_state, start, end, team, *owner in rows:
        shown = _objective_state(state, cycle_state)
        found.append(
            Result(
                "objective",
                pk,
                title,
                ("objective", pk, ""),
                f"{cycle} · {team or Person.name_from(*owner) or 'Company'}",
                shown,
                _rank(
                    query, title, shown, _current(cycle_state, start, end, today), scores[pk], pk
                ),
            )
        )
    return found


def _key_results(person: Person, query: Query, scores: dict[int, int], today: Any) -> list[Result]:
    rows = (
        KeyResult.objects.visible_to(person)
        .filter(pk__in=list(scores))
        .values_list(
            "pk",
            "title",
            "state",
            "objective_id",
            "objective__title",
            "objective__state",
            "objective__cycle__name",
            "objective__cycle__state",
            "objective__cycle__start_date",
            "objective__cycle__end_date",
            *(f"owner__{f}" for f in _PERSON),
        )
    )
    found = []
    for pk, title, state, o_pk, o_title, o_state, cycle, cycle_state, start, end, *owner in rows:
        shown = "Abandoned" if state == "abandoned" else _objective_state(o_state, cycle_state)
        found.append(
            Result(
                "key_result",
                pk,
                title,
                ("objective", o_pk, f"#kr-{pk}"),
                f"{cycle} · {Person.name_from(*owner)} · in “{o_title}”",
                shown,
                _rank(
                    query, title, shown, _current(cycle_state, start, end, today), scores[pk], pk
                ),
            )
        )
    return found


_INITIATIVE_STATES = dict(Initiative.State.choices)


def _initiatives(person: Person, query: Query, scores: dict[int, int], today: Any) -> list[Result]:
    rows = (
        Initiative.objects.visible_to(person)
        .filter(pk__in=list(scores))
        .values_list(
            "pk",
            "title",
            "state",
            "key_result_id",
            "key_result__title",
            "key_result__objective_id",
            "key_result__objective__state",
            "key_result__objective__cycle__name",
            "key_result__objective__cycle__state",
            "key_result__objective__cycle__start_date",
            "key_result__objective__cycle__end_date",
            *(f"owner__{f}" for f in _PERSON),
        )
    )
    found = []
    for row in rows:
        pk, title, state, kr_pk, kr_title, o_pk, o_state, cycle, cycle_state, start, end = row[:11]
        shown = (
            str(_INITIATIVE_STATES[state])
            if state in ("cancelled", "done")
            else _objective_state(o_state, cycle_state)
        )
        found.append(
            Result(
                "initiative",
                pk,
                title,
                ("objective", o_pk, f"#kr-{kr_pk}"),
                f"{cycle} · {Person.name_from(*row[11:])} · for “{kr_title}”",
                shown,
                _rank(
                    query, title, shown, _current(cycle_state, start, end, today), scores[pk], pk
                ),
            )
        )
    return found


def _people(person: Person, query: Query, scores: dict[int, int], today: Any) -> list[Result]:
    rows = (
        people_visible_to(person)
        .filter(pk__in=list(scores))
        .values_list("pk", *_PERSON, "job_title")
    )
    found = []
    for pk, *names, job_title in rows:
        name = Person.name_from(*names)
        found.append(
            Result(
                "person",
                pk,
                name,
                ("person", pk, ""),
                job_title,
                "",
                _rank(query, name, "", True, scores[pk], pk),
            )
        )
    return found


_TEAM_KINDS = dict(Team.Kind.choices)


def _teams(person: Person, query: Query, scores: dict[int, int], today: Any) -> list[Result]:
    rows = teams_visible_to(person).filter(pk__in=list(scores)).values_list("pk", "name", "kind")
    return [
        Result(
            "team",
            pk,
            name,
            ("team", pk, ""),
            str(_TEAM_KINDS.get(kind, kind)),
            "",
            _rank(query, name, "", True, scores[pk], pk),
        )
        for pk, name, kind in rows
    ]


_READERS = {
    "objective": _objectives,
    "key_result": _key_results,
    "initiative": _initiatives,
    "person": _people,
    "team": _teams,
}


def search(
    person: Person,
    text: str | None,
    kinds: Sequence[str] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Results:
    """What ``person`` may see that matches ``text``, best first, at most ``limit`` per kind.

    One query on the index, then one per kind that has text matches (the access policy is a
    filter on those rows), whatever the size of the organisation."""
    query = parse(text)
    wanted = [k for k in KINDS if kinds is None or k in kinds]
    limit = max(1, min(limit, MAX_LIMIT))
    if query.is_empty or not (person.is_authenticated and person.is_active):
        return Results(query, [])
    scores: dict[str, dict[int, int]] = {k: {} for k in wanted}
    for hit in index.match(query, wanted):
        scores[hit.kind][hit.ref_id] = hit.score
    today = timezone.localdate()
    groups = []
    for kind in wanted:
        if not scores[kind]:
            continue
        results = sorted(_READERS[kind](person, query, scores[kind], today), key=lambda r: r.rank)
        if results:
            groups.append(Group(kind, LABELS[kind], results[:limit]))
    return Results(query, groups)
