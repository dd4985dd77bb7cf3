"""Loading what the access policy needs to know about many objectives at once
(``goals.access.ObjectiveAudience``), for jobs that ask it on behalf of thousands of people."""

from __future__ import annotations

from collections.abc import Iterable

from lineofsight.goals.access import GoalViewer, ObjectiveAudience
from lineofsight.goals.models import DraftReader, Objective
from lineofsight.people.models import Membership, Person


def objective_audiences(
    objective_ids: Iterable[int], person_teams: dict[int, set[int]] | None = None
) -> dict[int, ObjectiveAudience]:
    """``ObjectiveAudience`` of each objective, in two queries per 5,000 objectives (one
    when the caller passes every person's team ids, ``person_teams``, already loaded)."""
    ids = sorted(set(objective_ids))
    out: dict[int, ObjectiveAudience] = {}
    for start in range(0, len(ids), 5000):
        rows = list(
            Objective.objects.filter(pk__in=ids[start : start + 5000])
            .order_by()
            .values_list(
                "pk",
                "visibility",
                "owner_person_id",
                "owner_person__manager_path",
                "owner_team_id",
                "owner_team__path",
                "owner_team__lead_id",
                "owner_team__lead__manager_path",
                "state",
                "created_by_id",
                "draft_sharing",
            )
        )
        readers: dict[int, set[int]] = {}
        shared = [row[0] for row in rows if row[8] == "draft" and row[10] == "people"]
        if shared:
            for objective_id, person_id in DraftReader.objects.filter(
                objective_id__in=shared
            ).values_list("objective_id", "person_id"):
                readers.setdefault(objective_id, set()).add(person_id)
        teams: dict[int, set[int]] = person_teams if person_teams is not None else {}
        if person_teams is None:
            owners = {row[2] for row in rows if row[2] is not None}
            for person_id, team_id in Membership.objects.filter(person_id__in=owners).values_list(
                "person_id", "team_id"
            ):
                teams.setdefault(person_id, set()).add(team_id)
        for row in rows:
            pk, visibility, person, person_path, team, team_path, lead, lead_path = row[:8]
            out[pk] = ObjectiveAudience(
                visibility,
                person,
                person_path or "",
                frozenset(teams.get(person, ())) if person is not None else frozenset(),
                team,
                team_path or "",
                lead,
                lead_path or "",
                state=row[8],
                created_by_id=row[9],
                draft_sharing=row[10],
                reader_ids=frozenset(readers.get(pk, ())),
            )
    return out


def people_who_see(objective_id: int, people: Iterable[Person]) -> list[Person]:
    """Those of ``people`` who may open the objective, in their order: the policy's rule
    (``GoalViewer.sees_objective``) over the objective's audience, loaded once, with
    everyone's teams loaded together -- a few queries, whatever the number of people."""
    people = list(people)
    audience = objective_audiences([objective_id]).get(objective_id)
    if audience is None or not people:
        return []
    GoalViewer.preload(people)
    return [p for p in people if GoalViewer.of(p).sees_objective(audience)]
