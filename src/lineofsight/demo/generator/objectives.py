"""The generated objectives: a few for the company, three per department and per team, two or
three per person, each aligned (contributing) to one a level up, with its first revision.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from lineofsight.demo.generator._common import (
    GeneratorState,
    bulk_load,
    chunks,
    insert_objects,
    next_id,
    reset_sequences,
)
from lineofsight.goals import scoring
from lineofsight.goals.models import AlignmentLink, Cycle, Objective, ObjectiveRevision
from lineofsight.people.models import Person, Team

COMPANY_OBJECTIVES = (
    "Grow ARR by 40% with profitable enterprise customers",
    "Make the product effortless to adopt",
    "Win two new industry verticals",
    "Run a reliable, efficient platform",
    "Build a company the best people want to join",
)
VERBS = ("Improve", "Accelerate", "Strengthen", "Simplify", "Scale", "Modernise", "Grow")
AREAS = (
    "customer onboarding",
    "the enterprise pipeline",
    "release quality",
    "support response times",
    "data platform reliability",
    "partner revenue",
    "hiring for critical roles",
    "cloud cost efficiency",
    "product adoption",
    "our security posture",
    "renewal rates",
    "billing accuracy",
    "developer productivity",
    "the mobile experience",
    "self-serve conversion",
    "contract turnaround",
)


class ObjectiveStage(GeneratorState):
    """Objectives, their first revisions and their alignment links, in bulk."""

    def _objective(
        self,
        title: str,
        level: str,
        cycle: Cycle,
        *,
        team: Team | None = None,
        person: Person | None = None,
        author: Person,
        mode: str,
        minute: int,
    ) -> Objective:
        at = self.planned_at + dt.timedelta(seconds=minute)
        roll = self.rng.random()
        visibility = "public"
        if level == Objective.Level.INDIVIDUAL and roll < 0.02:
            visibility = "private"
        elif roll < 0.05:
            visibility = "team"
        return Objective(
            title=title[:300],
            level=level,
            owner_team=team,
            owner_person=person,
            cycle=cycle,
            visibility=visibility,
            commitment="committed" if self.rng.random() < 0.3 else "aspirational",
            progress_mode=mode,
            created_by=author,
            created_at=at,
            updated_at=at,
            progress_updated_at=at,
        )

    def _objectives(self) -> None:
        org, shape = self.org, self.shape
        rng = self.rng
        per_person = [3 if rng.random() < 0.2 else 2 for _ in range(shape.people)]
        total = shape.company_objectives + 3 * (shape.departments + shape.teams) + sum(per_person)
        bar = self._bar("objectives", total)
        both = scoring.ProgressMode.BOTH
        tick = iter(range(10**9))

        company = [
            self._objective(
                COMPANY_OBJECTIVES[i % len(COMPANY_OBJECTIVES)],
                Objective.Level.COMPANY,
                self.year,
                team=org.company,
                author=org.ceo,
                mode=both,
                minute=next(tick),
            )
            for i in range(shape.company_objectives)
        ]
        departments = [
            [
                self._objective(
                    f"{rng.choice(VERBS)} {rng.choice(AREAS)} across {org.departments[d].name}",
                    Objective.Level.TEAM,
                    self.quarter,
                    team=org.departments[d],
                    author=org.heads[d],
                    mode=both,
                    minute=next(tick),
                )
                for _ in range(3)
            ]
            for d in range(shape.departments)
        ]
        teams = [
            [
                self._objective(
                    f"{rng.choice(VERBS)} {rng.choice(AREAS)} for {org.teams[t].name}",
                    Objective.Level.TEAM,
                    self.quarter,
                    team=org.teams[t],
                    author=org.leads[t],
                    mode=both,
                    minute=next(tick),
                )
                for _ in range(3)
            ]
            for t in range(shape.teams)
        ]
        # Each person's objectives, and the objective each one contributes to.
        individual: list[tuple[Objective, Objective]] = []
        everyone: list[tuple[Person, list[Objective]]] = [(org.ceo, company)]
        everyone += [(org.heads[d], departments[d]) for d in range(shape.departments)]
        everyone += [(p, teams[t]) for t, group in enumerate(org.members) for p in group]
        for n, (person, parents) in enumerate(everyone):
            for i in range(per_person[n]):
                obj = self._objective(
                    f"{rng.choice(VERBS)} {rng.choice(AREAS)}",
                    Objective.Level.INDIVIDUAL,
                    self.quarter,
                    person=person,
                    author=person,
                    mode=scoring.ProgressMode.KEY_RESULTS,
                    minute=next(tick),
                )
                individual.append((obj, parents[i % len(parents)]))

        links: list[tuple[Objective, Objective]] = []
        links += [
            (obj, company[(d * 3 + j) % len(company)])
            for d, objs in enumerate(departments)
            for j, obj in enumerate(objs)
        ]
        links += [
            (obj, departments[org.team_department[t]][j])
            for t, objs in enumerate(teams)
            for j, obj in enumerate(objs)
        ]
        links += individual
        for child, parent in links:
            child.rationale = f"If we hit this, {parent.title[:120].lower()} becomes more likely."
        ordered = company + [o for objs in departments for o in objs]
        ordered += [o for objs in teams for o in objs] + [o for o, _ in individual]
        # Written as plain rows with the ids given here, like the key results.
        for pk, objective in enumerate(ordered, start=next_id(Objective)):
            objective.pk = pk
        with transaction.atomic(), bulk_load(Objective, ObjectiveRevision, AlignmentLink):
            for batch in chunks(ordered, 5000):
                insert_objects(batch)
                insert_objects([self._objective_revision(o) for o in batch])
                bar.advance(len(batch))
            insert_objects(
                [
                    AlignmentLink(
                        child=child,
                        parent_objective=parent,
                        target=parent,
                        kind=scoring.LinkKind.CONTRIBUTES,
                        weight=1.0,
                        created_at=child.created_at + dt.timedelta(minutes=5),
                        created_by=child.created_by,
                        # Accepted when made, as if by the parent's owner.
                        state=AlignmentLink.State.ACCEPTED,
                        decided_at=child.created_at + dt.timedelta(minutes=5),
                    )
                    for child, parent in links
                ],
            )
        reset_sequences(Objective)
        bar.finish()
        self.objectives = ordered
        self.owners = self._key_result_owners(company, departments, teams)
        self.summary.objectives = len(ordered)
        self.summary.links = len(links)

    def _objective_revision(self, o: Objective) -> ObjectiveRevision:
        return ObjectiveRevision(
            objective=o,
            number=1,
            title=o.title,
            description=o.description,
            state=o.state,
            commitment=o.commitment,
            visibility=o.visibility,
            progress_mode=o.progress_mode,
            rationale=o.rationale,
            reason="Created",
            author=o.created_by,
            valid_from=o.created_at,
        )

    def _key_result_owners(
        self,
        company: list[Objective],
        departments: list[list[Objective]],
        teams: list[list[Objective]],
    ) -> dict[int, list[Person]]:
        """Who may own each objective's key results (people; by objective id)."""
        org = self.org
        owners: dict[int, list[Person]] = {o.pk: [org.ceo, *org.heads] for o in company}
        for d, objs in enumerate(departments):
            for o in objs:
                owners[o.pk] = [org.heads[d]]
        for t, objs in enumerate(teams):
            for o in objs:
                owners[o.pk] = org.members[t]
        return owners
