"""Searching: text matches from the index, filtered by the one access policy, ranked, grouped.

A hit is shown only if the searcher may open it: objectives, key results and initiatives
through ``visible_to`` (the goals access policy), people and teams through the directory's
selectors. Nothing is counted beyond what is shown, so an invisible match leaves no trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone

from lineofsight.goals.models import Initiative, KeyResult, Objective
from lineofsight.people.selectors import people_visible_to, teams_visible_to
from lineofsight.search import index
from lineofsight.search.query import Query, parse

if TYPE_CHECKING:
    from lineofsight.people.models import Person

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
    url: str
    context: str  # the cycle, team or owner, or a person's job title
    state: str  # "" when live, else "Abandoned", "Closed", "Inactive"...
    rank: tuple[Any, ...] = field(compare=False, repr=False)


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


def _owner(o: Objective) -> str:
    if o.owner_team_id:
        return o.owner_team.name  # type: ignore[union-attr]
    if o.owner_person_id:
        return o.owner_person.name  # type: ignore[union-attr]
    return "Company"


def _current(cycle: Any, today: Any) -> bool:
    return cycle.state == "active" and cycle.start_date <= today <= cycle.end_date


def _objective_state(o: Objective) -> str:
    if o.state == "abandoned":
        return "Abandoned"
    if o.state == "draft":
        return "Draft"
    if o.state == "closed" or o.cycle.state == "closed":
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


def _objectives(person: Person, query: Query, scores: dict[int, int], today: Any) -> list[Result]:
    rows = (
        Objective.objects.visible_to(person)
        .filter(pk__in=list(scores))
        .select_related("cycle", "owner_team", "owner_person")
        .only(
            "title",
            "state",
            "cycle__name",
            "cycle__state",
            "cycle__start_date",
            "cycle__end_date",
            "owner_team__name",
            "owner_person__display_name",
            "owner_person__first_name",
            "owner_person__last_name",
            "owner_person__username",
        )
    )
    found = []
    for o in rows:
        state = _objective_state(o)
        found.append(
            Result(
                "objective",
                o.pk,
                o.title,
                reverse("objective", args=[o.pk]),
                f"{o.cycle.name} · {_owner(o)}",
                state,
                _rank(query, o.title, state, _current(o.cycle, today), scores[o.pk], o.pk),
            )
        )
    return found


def _key_results(person: Person, query: Query, scores: dict[int, int], today: Any) -> list[Result]:
    rows = (
        KeyResult.objects.visible_to(person)
        .filter(pk__in=list(scores))
        .select_related("objective__cycle", "owner")
        .only(
            "title",
            "state",
            "objective__title",
            "objective__state",
            "objective__cycle__name",
            "objective__cycle__state",
            "objective__cycle__start_date",
            "objective__cycle__end_date",
            "owner__display_name",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
        )
    )
    found = []
    for kr in rows:
        o = kr.objective
        state = "Abandoned" if kr.state == "abandoned" else _objective_state(o)
        found.append(
            Result(
                "key_result",
                kr.pk,
                kr.title,
                reverse("objective", args=[o.pk]) + f"#kr-{kr.pk}",
                f"{o.cycle.name} · {kr.owner.name} · in “{o.title}”",
                state,
                _rank(query, kr.title, state, _current(o.cycle, today), scores[kr.pk], kr.pk),
            )
        )
    return found


def _initiatives(person: Person, query: Query, scores: dict[int, int], today: Any) -> list[Result]:
    rows = (
        Initiative.objects.visible_to(person)
        .filter(pk__in=list(scores))
        .select_related("key_result__objective__cycle", "owner")
        .only(
            "title",
            "state",
            "key_result__title",
            "key_result__objective__state",
            "key_result__objective__cycle__name",
            "key_result__objective__cycle__state",
            "key_result__objective__cycle__start_date",
            "key_result__objective__cycle__end_date",
            "owner__display_name",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
        )
    )
    found = []
    for i in rows:
        kr = i.key_result
        o = kr.objective
        state = i.get_state_display() if i.state in ("cancelled", "done") else _objective_state(o)
        found.append(
            Result(
                "initiative",
                i.pk,
                i.title,
                reverse("objective", args=[o.pk]) + f"#kr-{kr.pk}",
                f"{o.cycle.name} · {i.owner.name} · for “{kr.title}”",
                state,
                _rank(query, i.title, state, _current(o.cycle, today), scores[i.pk], i.pk),
            )
        )
    return found


def _people(person: Person, query: Query, scores: dict[int, int], today: Any) -> list[Result]:
    rows = (
        people_visible_to(person)
        .filter(pk__in=list(scores))
        .only("display_name", "first_name", "last_name", "username", "job_title")
    )
    return [
        Result(
            "person",
            p.pk,
            p.name,
            reverse("person", args=[p.pk]),
            p.job_title,
            "",
            _rank(query, p.name, "", True, scores[p.pk], p.pk),
        )
        for p in rows
    ]


def _teams(person: Person, query: Query, scores: dict[int, int], today: Any) -> list[Result]:
    rows = teams_visible_to(person).filter(pk__in=list(scores)).only("name", "kind")
    return [
        Result(
            "team",
            t.pk,
            t.name,
            reverse("team", args=[t.pk]),
            t.get_kind_display(),
            "",
            _rank(query, t.name, "", True, scores[t.pk], t.pk),
        )
        for t in rows
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
