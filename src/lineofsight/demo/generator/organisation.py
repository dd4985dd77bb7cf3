"""The generated organisation: one company, its departments and teams, and the people in them
with a real reporting line (CEO > department heads > team leads > members).
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.text import slugify

from lineofsight.demo.generator._common import (
    BATCH,
    GENERATED_PASSWORD,
    GeneratorState,
    _Org,
    chunks,
)
from lineofsight.people.models import Membership, Person, Team


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


class OrganisationStage(GeneratorState):
    """People, teams and memberships, in bulk."""

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
