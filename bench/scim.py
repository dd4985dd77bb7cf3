"""SCIM provisioning at 50,000 people: what one request of Entra ID's or Okta's sync costs.

    .venv/bin/python bench/scim.py --people 50000

Builds (or, with ``--reuse``, reuses) the same database as ``bench/organisation.py``
(``bench/results/scim-<people>.sqlite3``: a company, 100 departments of 5 teams, everyone
in a team and reporting to its lead), makes a provisioning token, then sends through
Django's test client the requests a provider's sync makes, ``--samples`` times each (after one
untimed call): a
lookup by ``userName``, reading a user, the first and a deep page of users, a new user
(POST), a title change and a manager change (PATCH), a disable and re-enable, a group with
its members and the list of groups without them. It prints the median and worst time and
the SQL queries of each. It prints figures; it never fails.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="Keep an existing database.")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    db = RESULTS / f"scim-{args.people}.sqlite3"
    if db.exists() and not args.reuse:
        db.unlink()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "lineofsight.settings",
            "DATABASE_URL": f"sqlite:///{db}",
            "LOS_SECRET_KEY": os.environ.get("LOS_SECRET_KEY") or secrets.token_urlsafe(40),
            "LOS_DEBUG": "0",
            "LOS_TESTING": "0",
            "LOS_DATA_DIR": str(RESULTS / "scim"),
            "LOS_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "LOS_LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lineofsight.people.models import Membership, Person, Team
    from lineofsight.people.scim.tokens import create_scim_token
    from organisation import build

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not Person.objects.exists():
        started = time.perf_counter()
        build(args.people, Person, Team, Membership)
        print(f"built {args.people} people in {time.perf_counter() - started:.0f} s")
    _, raw = create_scim_token(acting_user=None, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    person = Person.objects.filter(username__startswith="person").order_by("pk")[100]
    lead = Person.objects.filter(username="lead3").get()
    other_lead = Person.objects.filter(username="lead4").get()
    team = Team.objects.filter(kind="team").order_by("pk")[7]
    total = Person.objects.count()
    counter = iter(range(10**9))
    run = secrets.token_hex(3)  # new usernames for each run, also with --reuse

    def patch(path: str, operations: list[dict]) -> tuple[str, str, str]:
        return ("patch", path, json.dumps({"schemas": [PATCH], "Operations": operations}))

    def new_user() -> tuple[str, str, str]:
        name = f"new-{run}-{next(counter)}@example.test"
        body = {
            "schemas": [USER, ENTERPRISE],
            "userName": name,
            "displayName": "New Person",
            "emails": [{"value": name, "primary": True}],
            ENTERPRISE: {"manager": {"value": str(lead.pk)}, "department": "Department 3"},
        }
        return ("post", "Users", json.dumps(body))

    flip = iter(range(10**9))
    requests = {
        "lookup by userName": lambda: ("get", f'Users?filter=userName eq "{person.username}"', ""),
        "read a user": lambda: ("get", f"Users/{person.pk}", ""),
        "users, first page of 100": lambda: ("get", "Users?startIndex=1&count=100", ""),
        "users, page at 40,000": lambda: ("get", "Users?startIndex=40000&count=100", ""),
        "create a user": new_user,
        "patch the title": lambda: patch(
            f"Users/{person.pk}",
            [{"op": "Replace", "path": "title", "value": f"Engineer {next(counter)}"}],
        ),
        "patch the manager": lambda: patch(
            f"Users/{person.pk}",
            [
                {
                    "op": "Replace",
                    "path": f"{ENTERPRISE}:manager",
                    "value": str((lead if next(flip) % 2 else other_lead).pk),
                }
            ],
        ),
        "disable, then enable": lambda: patch(
            f"Users/{person.pk}",
            [{"op": "Replace", "path": "active", "value": "False" if next(flip) % 2 else "True"}],
        ),
        "a group with members": lambda: ("get", f"Groups/{team.pk}", ""),
        "groups without members": lambda: (
            "get",
            "Groups?count=100&excludedAttributes=members",
            "",
        ),
    }
    print(f"{total} people; SCIM requests, {args.samples} each:")
    for label, make in requests.items():
        times = []
        queries = 0
        for n in range(-1, args.samples):  # the first call warms up and is not timed
            method, path, body = make()
            call = getattr(client, method)
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = call(f"/scim/v2/{path}", body, content_type="application/scim+json")
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 201), (label, response.content[:300])
            if n < 0:
                times.pop()
            if n == 0:
                queries = len(ctx.captured_queries)
        print(
            f"  {label:26} median {statistics.median(times):7.1f} ms  worst "
            f"{max(times):7.1f} ms  {queries} queries"
        )


if __name__ == "__main__":
    main()
