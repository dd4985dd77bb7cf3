"""HR's people list (``/organisation/people/``) at 50,000 people: time and SQL queries.

    .venv/bin/python bench/organisation.py --people 50000

Builds its own SQLite database in ``bench/results/organisation-<people>.sqlite3``
(migrated, its static files collected beside it, then filled in bulk: a company, 100
departments of 5 teams, everyone in one team and reporting to a team lead), unless
``--reuse`` finds it. Then requests the list through Django's test client as an HR admin:
the first page, a page deep in the list, a search, a team's members, a manager's reports
and the team tree, ``--samples`` times each, and prints the median and worst time and the
number of SQL queries of each. It prints figures; it never fails.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="Keep an existing database.")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    db = RESULTS / f"organisation-{args.people}.sqlite3"
    if db.exists() and not args.reuse:
        db.unlink()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "lineofsight.settings",
            "DATABASE_URL": f"sqlite:///{db}",
            "LOS_SECRET_KEY": os.environ.get("LOS_SECRET_KEY") or secrets.token_urlsafe(40),
            "LOS_DEBUG": "0",
            "LOS_TESTING": "0",
            # Measured as before the worker: each task runs where it is enqueued.
            "LOS_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "LOS_DATA_DIR": str(RESULTS / "organisation"),
            "LOS_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "LOS_LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lineofsight.people.models import Membership, Person, Team

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not Person.objects.exists():
        started = time.perf_counter()
        build(args.people, Person, Team, Membership)
        print(f"built {args.people} people in {time.perf_counter() - started:.0f} s")
    hr = Person.objects.filter(is_hr_admin=True).first()
    assert hr is not None
    team = Team.objects.filter(kind="team").order_by("pk")[7]
    manager = Person.objects.filter(pk=team.lead_id).get()
    total = Person.objects.count()
    client = Client()
    client.force_login(hr)
    pages = {
        "first page": "/organisation/people/",
        "page 500": "/organisation/people/?page=500",
        "search 'person 4'": "/organisation/people/?q=person+4",
        "a team's members": f"/organisation/people/?team={team.pk}&active=all",
        "a manager's reports": f"/organisation/people/?manager={manager.pk}",
        "the team tree": "/organisation/teams/",
    }
    print(f"{total} people; HR's people list and team tree, {args.samples} requests each:")
    for label, url in pages.items():
        times = []
        for _ in range(args.samples):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        print(
            f"  {label:22} median {statistics.median(times):7.1f} ms  worst "
            f"{max(times):7.1f} ms  {len(ctx.captured_queries)} queries"
        )


def build(people: int, Person, Team, Membership) -> None:  # type: ignore[no-untyped-def]
    """A company, 100 departments of 5 teams, each team led by one person and the rest of
    its members reporting to them."""
    company = Team.objects.create(name="Company", slug="company", kind="company", path="/")
    ceo = Person.objects.create(username="ceo", display_name="Chief Executive")
    hr = Person.objects.create(
        username="hr",
        display_name="HR Admin",
        is_hr_admin=True,
        manager=ceo,
        manager_path=f"/{ceo.pk}/",
    )
    departments = Team.objects.bulk_create(
        [
            Team(
                name=f"Department {d}",
                slug=f"d{d}",
                kind="department",
                parent=company,
                path=f"/{company.pk}/",
            )
            for d in range(100)
        ]
    )
    teams = Team.objects.bulk_create(
        [
            Team(
                name=f"Team {d}.{t}",
                slug=f"t{d}-{t}",
                kind="team",
                parent=dept,
                path=f"/{company.pk}/{dept.pk}/",
            )
            for d, dept in enumerate(departments)
            for t in range(5)
        ]
    )
    per_team = max(1, (people - 2) // len(teams))
    leads = Person.objects.bulk_create(
        [
            Person(
                username=f"lead{i}",
                display_name=f"Lead {i}",
                manager=ceo,
                manager_path=f"/{ceo.pk}/",
            )
            for i in range(len(teams))
        ]
    )
    for team, lead in zip(teams, leads, strict=True):
        team.lead = lead
    Team.objects.bulk_update(teams, ["lead"])
    rows = []
    memberships = [
        Membership(person=lead, team=team) for team, lead in zip(teams, leads, strict=True)
    ]
    for i in range(people - 2 - len(leads)):
        team_index = i // per_team % len(teams)
        lead = leads[team_index]
        rows.append(
            Person(
                username=f"person{i}",
                display_name=f"Person {i}",
                job_title="Engineer",
                manager=lead,
                manager_path=f"/{ceo.pk}/{lead.pk}/",
            )
        )
    made = Person.objects.bulk_create(rows, batch_size=2000)
    for i, person in enumerate(made):
        memberships.append(Membership(person=person, team=teams[i // per_team % len(teams)]))
    Membership.objects.bulk_create(memberships, batch_size=5000)
    del hr


if __name__ == "__main__":
    main()
