"""A synthetic large organisation, for benchmarks and for trying the product at scale.

``lineofsight generate --people 10000`` builds one company, about one department per 50
teams and one team per 10 people, with a real reporting line (CEO > department heads > team
leads > members), three objectives per department and per team, two or three per person,
three key results each, every objective aligned (contributing) one level up, and weekly
check-ins over the last ``weeks`` weeks.

Going through the per-row actions would take hours at this size, so rows are bulk-inserted
in batches, each batch in its own transaction, with everything the actions would have
written: revisions, alignment links with their creation time, check-ins dated in the past,
materialised ``manager_path`` and team ``path`` values, the key results' latest readings.
Objective roll-ups are then computed from that history by ``rollup.rebuild()`` and checked
with ``rollup.verify()``. Deterministic for a given seed and day.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
import zoneinfo
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from lineofsight.core import audit
from lineofsight.demo import content
from lineofsight.demo.loader import DEMO_PASSWORD
from lineofsight.demo.progress import ProgressBar
from lineofsight.goals import actions as goal_actions
from lineofsight.goals import rollup, scoring
from lineofsight.goals.models import (
    AlignmentLink,
    CheckIn,
    Cycle,
    KeyResult,
    KeyResultRevision,
    Objective,
    ObjectiveRevision,
)
from lineofsight.people import actions as people_actions
from lineofsight.people.models import Membership, Person, Team

GENERATED_PASSWORD = DEMO_PASSWORD
BATCH = 1000  # rows per INSERT statement (the database may lower it)
CHUNK_OBJECTIVES = 1500  # objectives whose key results and check-ins share a transaction
MIN_PEOPLE = 10
MAX_PEOPLE = 1_000_000

T = TypeVar("T")


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


DEPARTMENTS = (
    "Sales",
    "Marketing",
    "Engineering",
    "Product",
    "Customer Success",
    "People",
    "Finance",
    "Legal",
    "Operations",
    "Support",
    "Security",
    "Data",
    "Design",
    "IT",
    "Partnerships",
    "Research",
    "Quality",
    "Procurement",
    "Communications",
    "Facilities",
)
FIRST_NAMES = _names(
    "Ada Alex Amara Ana Ben Bruno Carla Chen Dana David Elif Emma Eric Farah Felix Grace "
    "Hana Hugo Ines Ivan Jade James Jonas Kai Kara Leo Lina Luca Maya Mateo Mia Nadia Noor "
    "Omar Olga Priya Quinn Rafael Rosa Sami Sara Tariq Tess Uma Victor Wen Yara Yusuf Zoe"
)
LAST_NAMES = _names(
    "Adeyemi Alvarez Bauer Becker Brown Carter Chen Costa Dubois Evans Farouk Fischer "
    "Garcia Haddad Hansen Ito Jensen Kaur Khan Kim Kowalski Larsen Liu Martin Meyer Moreau "
    "Murphy Nakamura Novak Okafor Olsen Patel Petrova Rahman Reyes Rossi Sato Schmidt Silva "
    "Singh Smith Tanaka Walker Wang Watanabe Weber Wright Yilmaz Zhang"
)
ROLES = (
    "Engineer",
    "Analyst",
    "Specialist",
    "Designer",
    "Account Executive",
    "Consultant",
    "Coordinator",
    "Product Manager",
    "Support Engineer",
    "Data Scientist",
)
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
THINGS = (
    ("qualified opportunities", "opportunities"),
    ("customer interviews", "interviews"),
    ("features shipped", "features"),
    ("accounts activated", "accounts"),
    ("automated tests added", "tests"),
    ("candidates screened", "candidates"),
    ("renewals closed", "renewals"),
    ("playbooks published", "playbooks"),
)
METRICS_DOWN = (
    ("Median ticket resolution", "hours"),
    ("Time to hire", "days"),
    ("Cloud spend per customer", "$"),
    ("Open critical bugs", "bugs"),
    ("Contract review time", "days"),
    ("Churned accounts", "accounts"),
)
METRICS_ABOVE = (
    ("Weekly active admins", "%"),
    ("Service availability", "%"),
    ("Customer satisfaction", "points"),
)
MILESTONES = (
    "New onboarding flow shipped",
    "Pricing page relaunched",
    "Partner portal live",
    "SOC 2 audit passed",
    "Data warehouse migration done",
    "Quarterly business reviews scheduled",
)


@dataclass(frozen=True)
class Shape:
    """How big each layer is for a given head count."""

    people: int
    teams: int
    departments: int
    company_objectives: int

    @classmethod
    def for_people(cls, people: int) -> Shape:
        teams = max(1, round(people / 10))
        departments = max(1, round(teams / 50))
        return cls(people, teams, departments, 5 if people >= 1000 else 4)


@dataclass
class GenerateSummary:
    people: int = 0
    departments: int = 0
    teams: int = 0
    objectives: int = 0
    key_results: int = 0
    check_ins: int = 0
    links: int = 0
    rebuilt: int = 0
    verified: int = 0
    differences: int = 0
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Org:
    ceo: Person
    heads: list[Person]  # one per department
    leads: list[Person]  # one per team
    members: list[list[Person]]  # per team, lead first
    company: Team
    departments: list[Team]
    teams: list[Team]
    team_department: list[int]  # department index of each team


class Generator:
    def __init__(
        self,
        *,
        people: int,
        seed: int = 1,
        weeks: int = 13,
        stream: Any = None,
        today: dt.date | None = None,
    ) -> None:
        if not MIN_PEOPLE <= people <= MAX_PEOPLE:
            raise ValueError(f"people must be between {MIN_PEOPLE} and {MAX_PEOPLE:,}")
        if not 1 <= weeks <= 52:
            raise ValueError("weeks must be between 1 and 52")
        self.shape = Shape.for_people(people)
        self.seed = seed
        self.weeks = weeks
        self.stream = stream
        self.rng = random.Random(seed)
        self.today_arg = today
        self.summary = GenerateSummary()
        self._progress_cache: dict[tuple[Any, ...], float] = {}

    # -- entry point -------------------------------------------------------------------

    def run(self) -> GenerateSummary:
        started = time.perf_counter()
        self._calendar()
        self._stage("people and teams", self._organisation)
        self._stage("objectives", self._objectives)
        self._stage("key results, check-ins", self._key_results)
        self._stage("roll-up", self._rebuild)
        self._stage("verify", self._verify)
        with transaction.atomic():
            audit.record(
                actor=None,
                action="demo.generate",
                data={
                    "people": self.shape.people,
                    "seed": self.seed,
                    "weeks": self.weeks,
                    "objectives": self.summary.objectives,
                    "check_ins": self.summary.check_ins,
                },
            )
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    def _stage(self, name: str, step: Callable[[], None]) -> None:
        started = time.perf_counter()
        step()
        self.summary.stages[name] = time.perf_counter() - started

    def _bar(self, label: str, total: int) -> ProgressBar:
        return ProgressBar(label, total, self.stream)

    # -- calendar ----------------------------------------------------------------------

    def _calendar(self) -> None:
        with transaction.atomic():
            org = people_actions.update_organisation(
                acting_user=None, name=f"Generated organisation ({self.shape.people:,} people)"
            )
        self.tz = zoneinfo.ZoneInfo(org.time_zone)
        self.now = timezone.now()
        today = self.today_arg or timezone.localtime(self.now, self.tz).date()
        start = today - dt.timedelta(days=7 * self.weeks)
        with transaction.atomic():
            self.year = goal_actions.create_cycle(
                acting_user=None,
                name=f"Generated year from {start:%d %b %Y}",
                kind=Cycle.Kind.ANNUAL,
                start_date=start,
                end_date=start + dt.timedelta(days=364),
                state=Cycle.State.ACTIVE,
            )
            self.quarter = goal_actions.create_cycle(
                acting_user=None,
                name=f"Generated quarter from {start:%d %b %Y}",
                kind=Cycle.Kind.QUARTER,
                start_date=start,
                end_date=start + dt.timedelta(days=7 * self.weeks + 6),
                parent=self.year,
                state=Cycle.State.ACTIVE,
            )
        self.planned_at = dt.datetime.combine(
            start - dt.timedelta(days=3), dt.time(9), tzinfo=self.tz
        )
        # The last weekly reading lands an hour ago; the first, ``weeks - 1`` weeks earlier.
        self.last_reading_at = self.now - dt.timedelta(hours=1)

    # -- people and teams --------------------------------------------------------------

    def _name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _person(
        self,
        number: int,
        title: str,
        manager: Person | None,
        *,
        executive: bool = False,
        hr: bool = False,
    ) -> Person:
        username = f"p{number:05d}"
        return Person(
            username=username,
            display_name=self._name(),
            email=f"{username}@generated.example",
            job_title=title,
            password=self.password_hash,
            manager_id=manager.pk if manager else None,
            manager_path=manager.subtree_prefix if manager else "/",
            is_executive=executive,
            is_hr_admin=hr,
            is_staff=hr,
        )

    def _organisation(self) -> None:
        shape = self.shape
        self.password_hash = make_password(GENERATED_PASSWORD)
        bar = self._bar("people and teams", shape.people + shape.teams + shape.departments + 1)
        number = iter(range(1, shape.people + 1))
        dept_names = [
            DEPARTMENTS[d % len(DEPARTMENTS)]
            + (f" {d // len(DEPARTMENTS) + 1}" if d >= len(DEPARTMENTS) else "")
            for d in range(shape.departments)
        ]
        with transaction.atomic():
            ceo = self._person(next(number), "Chief Executive Officer", None, executive=True)
            Person.objects.bulk_create([ceo])
            heads = [
                self._person(
                    next(number),
                    "Head of People" if d == 0 else f"Head of {dept_names[d]}",
                    ceo,
                    executive=True,
                    hr=d == 0,
                )
                for d in range(shape.departments)
            ]
            Person.objects.bulk_create(heads, batch_size=BATCH)
            team_department = [t % shape.departments for t in range(shape.teams)]
            leads = [
                self._person(next(number), "Team Lead", heads[team_department[t]])
                for t in range(shape.teams)
            ]
            Person.objects.bulk_create(leads, batch_size=BATCH)
            bar.advance(1 + len(heads) + len(leads))
            members: list[list[Person]] = [[lead] for lead in leads]
            rest = shape.people - 1 - shape.departments - shape.teams
            pending: list[Person] = []
            for k in range(rest):
                team = k % shape.teams
                person = self._person(next(number), self.rng.choice(ROLES), leads[team])
                members[team].append(person)
                pending.append(person)
            for batch in chunks(pending, 5000):
                Person.objects.bulk_create(batch, batch_size=BATCH)
                bar.advance(len(batch))

            company = Team(
                name=f"Generated organisation ({shape.people:,} people)",
                slug="company",
                kind=Team.Kind.COMPANY,
                path="/",
                lead=ceo,
            )
            Team.objects.bulk_create([company])
            departments = [
                Team(
                    name=dept_names[d],
                    slug=f"{slugify(dept_names[d])}-{d + 1}",
                    kind=Team.Kind.DEPARTMENT,
                    parent=company,
                    path=company.subtree_prefix,
                    lead=heads[d],
                )
                for d in range(shape.departments)
            ]
            Team.objects.bulk_create(departments, batch_size=BATCH)
            teams = [
                Team(
                    name=f"{dept_names[team_department[t]]} team {t + 1}",
                    slug=f"team-{t + 1}",
                    kind=Team.Kind.TEAM,
                    parent=departments[team_department[t]],
                    path=departments[team_department[t]].subtree_prefix,
                    lead=leads[t],
                )
                for t in range(shape.teams)
            ]
            Team.objects.bulk_create(teams, batch_size=BATCH)
            bar.advance(1 + len(departments) + len(teams))
            memberships = [Membership(person=ceo, team=company)]
            memberships += [
                Membership(person=heads[d], team=departments[d]) for d in range(len(heads))
            ]
            memberships += [
                Membership(person=p, team=teams[t])
                for t, group in enumerate(members)
                for p in group
            ]
            Membership.objects.bulk_create(memberships, batch_size=BATCH)
        bar.finish()
        self.org = _Org(ceo, heads, leads, members, company, departments, teams, team_department)
        self.summary.people = shape.people
        self.summary.departments = shape.departments
        self.summary.teams = shape.teams

    # -- objectives and alignment ------------------------------------------------------

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
        with transaction.atomic():
            for batch in chunks(ordered, 5000):
                Objective.objects.bulk_create(batch, batch_size=BATCH)
                ObjectiveRevision.objects.bulk_create(
                    [self._objective_revision(o) for o in batch], batch_size=BATCH
                )
                bar.advance(len(batch))
            AlignmentLink.objects.bulk_create(
                [
                    AlignmentLink(
                        child=child,
                        parent_objective=parent,
                        target=parent,
                        kind=scoring.LinkKind.CONTRIBUTES,
                        weight=1.0,
                        created_at=child.created_at + dt.timedelta(minutes=5),
                        created_by=child.created_by,
                    )
                    for child, parent in links
                ],
                batch_size=BATCH,
            )
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

    # -- key results and check-ins -----------------------------------------------------

    def _key_results(self) -> None:
        total_krs = 3 * len(self.objectives)
        bar = self._bar("check-ins", total_krs * self.weeks)
        people = {p.pk: p for group in self.org.members for p in group}
        people[self.org.ceo.pk] = self.org.ceo
        people.update({h.pk: h for h in self.org.heads})
        for batch in chunks(self.objectives, CHUNK_OBJECTIVES):
            with transaction.atomic():
                krs: list[KeyResult] = []
                series: list[list[tuple[float | None, bool | None, str, dt.datetime]]] = []
                for objective in batch:
                    candidates = self.owners.get(objective.pk) or [
                        people[objective.owner_person_id]  # type: ignore[index]
                    ]
                    for position in range(3):
                        kr, readings = self._key_result(objective, position, candidates)
                        krs.append(kr)
                        series.append(readings)
                KeyResult.objects.bulk_create(krs, batch_size=BATCH)
                KeyResultRevision.objects.bulk_create(
                    [self._kr_revision(kr) for kr in krs], batch_size=BATCH
                )
                pending: list[CheckIn] = []
                for kr, readings in zip(krs, series, strict=True):
                    for value, done, confidence, at in readings:
                        note, blockers = self._words(confidence)
                        pending.append(
                            CheckIn(
                                key_result=kr,
                                value=value,
                                done=done,
                                confidence=confidence,
                                note=note,
                                blockers=blockers,
                                author_id=kr.owner_id,
                                recorded_at=at,
                                progress=self._progress(kr.spec(), value, done),
                            )
                        )
                    if len(pending) >= 20_000:
                        CheckIn.objects.bulk_create(pending, batch_size=BATCH)
                        bar.advance(len(pending))
                        self.summary.check_ins += len(pending)
                        pending = []
                CheckIn.objects.bulk_create(pending, batch_size=BATCH)
                bar.advance(len(pending))
                self.summary.check_ins += len(pending)
                self.summary.key_results += len(krs)
        bar.finish()

    def _key_result(
        self, objective: Objective, position: int, owners: Sequence[Person]
    ) -> tuple[KeyResult, list[tuple[float | None, bool | None, str, dt.datetime]]]:
        rng = self.rng
        owner = owners[0] if len(owners) == 1 else rng.choice(owners)
        roll = rng.random()
        signal = KeyResult.Signal.LEADING if rng.random() < 0.5 else KeyResult.Signal.LAGGING
        if roll < 0.70:
            thing, unit = rng.choice(THINGS)
            target = float(rng.choice((5, 10, 12, 20, 25, 40, 50, 100, 200)))
            spec = scoring.KeyResultSpec(scoring.KeyResultKind.INCREASE, 0.0, target, unit)
            title = f"{target:.0f} {thing}"
        elif roll < 0.82:
            metric, unit = rng.choice(METRICS_DOWN)
            start = float(rng.choice((10, 14, 20, 30, 45, 60, 90)))
            target = float(math.floor(start * rng.uniform(0.4, 0.7)))
            spec = scoring.KeyResultSpec(scoring.KeyResultKind.DECREASE, start, target, unit)
            title = f"{metric} from {start:.0f} to {target:.0f} {unit}"
        elif roll < 0.94:
            spec = scoring.KeyResultSpec(scoring.KeyResultKind.MILESTONE)
            title = rng.choice(MILESTONES)
        else:
            metric, unit = rng.choice(METRICS_ABOVE)
            threshold = float(rng.choice((60, 75, 80, 90, 95)))
            spec = scoring.KeyResultSpec(scoring.KeyResultKind.STAY_ABOVE, None, threshold, unit)
            title = f"{metric} stays above {threshold:.0f} {unit}"
        readings = self._readings(spec)
        last_value, last_done, last_confidence, last_at = readings[-1]
        kr = KeyResult(
            objective=objective,
            cycle=self.quarter,
            title=title,
            kind=spec.kind.value,
            unit=spec.unit,
            start_value=spec.start,
            target_value=spec.target,
            signal=signal,
            weight=2.0 if rng.random() < 0.1 else 1.0,
            owner=owner,
            source=KeyResult.Source.CHECK_INS,
            position=position,
            current_value=last_value,
            done=bool(last_done),
            progress=self._progress(spec, last_value, last_done),
            confidence=last_confidence,
            last_check_in_at=last_at,
            created_at=objective.created_at + dt.timedelta(minutes=1 + position),
        )
        return kr, readings

    def _readings(
        self, spec: scoring.KeyResultSpec
    ) -> list[tuple[float | None, bool | None, str, dt.datetime]]:
        """Weekly readings (value, done, confidence, when) following a plausible plan."""
        rng, weeks = self.rng, self.weeks
        out: list[tuple[float | None, bool | None, str, dt.datetime]] = []
        finish = min(1.1, max(0.05, rng.gauss(0.72, 0.22)))
        bend = rng.uniform(0.8, 1.3)
        done_week = rng.randint(max(1, math.ceil(weeks * 0.4)), math.ceil(weeks * 1.4))
        best = 0.0
        for week in range(1, weeks + 1):
            at = (
                self.last_reading_at
                - dt.timedelta(weeks=weeks - week)
                - dt.timedelta(minutes=rng.randrange(0, 600))
            )
            share = week / weeks
            value: float | None = None
            done: bool | None = None
            if spec.kind is scoring.KeyResultKind.MILESTONE:
                done = week >= done_week
                if done:
                    confidence = "on_track"
                else:
                    confidence = (
                        "off_track" if share > 0.85 else "at_risk" if share > 0.6 else "on_track"
                    )
            elif spec.kind is scoring.KeyResultKind.STAY_ABOVE:
                assert spec.target is not None
                breach = rng.random() < 0.1
                value = round(spec.target + (-1 if breach else 1) * rng.uniform(0.5, 8.0), 1)
                confidence = "off_track" if breach else "on_track"
            else:
                assert spec.start is not None and spec.target is not None
                planned = finish * share**bend
                wobble = rng.uniform(-0.05, 0.05) * (1 - share)
                progress = max(0.0, planned + wobble)
                if spec.kind is scoring.KeyResultKind.INCREASE:
                    progress = max(progress, best)  # counts only go up
                    best = progress
                value = float(round(spec.start + (spec.target - spec.start) * progress))
                pace = progress / max(share, 0.08)
                confidence = (
                    "on_track" if pace >= 0.8 else "at_risk" if pace >= 0.6 else "off_track"
                )
            out.append((value, done, confidence, at))
        return out

    def _progress(
        self, spec: scoring.KeyResultSpec, value: float | None, done: bool | None
    ) -> float:
        key = (spec.kind, spec.start, spec.target, value, done)
        hit = self._progress_cache.get(key)
        if hit is None:
            reading = scoring.Reading(value, done)
            hit = scoring.key_result_progress(spec, reading).value
            self._progress_cache[key] = hit
        return hit

    def _words(self, confidence: str) -> tuple[str, str]:
        rng = self.rng
        if rng.random() >= 0.12:
            return "", ""
        if confidence == "off_track":
            return rng.choice(content.OFF_TRACK_NOTES), rng.choice(content.OFF_TRACK_BLOCKERS)
        if confidence == "at_risk":
            return rng.choice(content.AT_RISK_NOTES), rng.choice(content.AT_RISK_BLOCKERS)
        return rng.choice(content.ON_TRACK_NOTES), ""

    def _kr_revision(self, kr: KeyResult) -> KeyResultRevision:
        return KeyResultRevision(
            key_result=kr,
            number=1,
            title=kr.title,
            kind=kr.kind,
            unit=kr.unit,
            start_value=kr.start_value,
            target_value=kr.target_value,
            signal=kr.signal,
            weight=kr.weight,
            source=kr.source,
            state=kr.state,
            owner_id=kr.owner_id,
            reason="Created",
            author_id=kr.objective.created_by_id,
            valid_from=kr.created_at,
        )

    # -- roll-up -----------------------------------------------------------------------

    def _rebuild(self) -> None:
        bar = self._bar("roll-up", 1)
        with transaction.atomic():
            self.summary.rebuilt = rollup.rebuild()
        if connection.vendor == "postgresql":
            # Fresh planner statistics for the freshly loaded tables, as autovacuum would
            # gather later: queries run right after the build then plan as in steady state.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        bar.advance()
        bar.finish()

    def _verify(self) -> None:
        bar = self._bar("verify", 1)
        differences, checked = rollup.verify()
        bar.advance()
        bar.finish()
        self.summary.verified = checked
        self.summary.differences = len(differences)


def generate(
    *,
    people: int,
    seed: int = 1,
    weeks: int = 13,
    stream: Any = None,
    today: dt.date | None = None,
) -> GenerateSummary:
    return Generator(people=people, seed=seed, weeks=weeks, stream=stream, today=today).run()
