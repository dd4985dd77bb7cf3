"""Shared fixtures: the named cast of people every test reuses.

The cast (usernames in brackets), reporting lines and teams:

    Cora, chief executive [cora] ............. leads Acme (company)
    ├── Hana, HR admin [hana] ................ member of People Ops (in Acme)
    ├── Sam, sales director [sam] ............ leads Sales (department)
    │   ├── Ava, account executive [ava] ..... member of Enterprise Sales (team in Sales)
    │   └── Pia, account executive [pia] ..... Ava's peer, also in Enterprise Sales
    ├── Eli, engineering manager [eli] ....... leads Engineering (department)
    │   └── Dev, engineer [dev] .............. member of Platform (team in Engineering)
    └── Otto, counsel [otto] ................. the outsider: in Legal, no link to the others

Enterprise Sales is led by Sam; Platform is led by Eli. Cycles: FY 2026 (annual, active),
Q3 2026 (closed) and Q4 2026 (active) inside it.

The suite runs on its own clock: it starts on Monday 23 November 2026 (in the eighth week of
Q4) and runs on from there, whatever the day the suite is run, so what the tests expect of
pace, due check-ins and discipline holds on any day. The console-script tests run the
command in a process of its own, on the real clock, and pass the day they mean with
``--today``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine

from lineofsight.goals import actions as goal_actions
from lineofsight.goals.models import Cycle
from lineofsight.people import actions as people_actions
from lineofsight.people.models import Organisation, Person, Team

PASSWORD = "correct-horse-battery"
SUITE_STARTS = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


@pytest.fixture(scope="session", autouse=True)
def _suite_clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(SUITE_STARTS, tick=True):
        yield


@dataclass
class Cast:
    cora: Person
    hana: Person
    sam: Person
    ava: Person
    pia: Person
    eli: Person
    dev: Person
    otto: Person
    acme: Team
    people_ops: Team
    sales: Team
    enterprise: Team
    engineering: Team
    platform: Team
    legal: Team
    fy: Cycle
    q3: Cycle
    q4: Cycle

    def everyone(self) -> dict[str, Person]:
        return {
            name: getattr(self, name)
            for name in ("cora", "hana", "sam", "ava", "pia", "eli", "dev", "otto")
        }


def build_cast() -> Cast:
    Organisation.objects.update_or_create(pk=1, defaults={"name": "Acme", "time_zone": "UTC"})
    mk = people_actions.create_person

    def person(
        username: str, name: str, title: str, manager: Person | None = None, **flags: bool
    ) -> Person:
        return mk(
            acting_user=None,
            username=username,
            display_name=name,
            email=f"{username}@acme.test",
            password=PASSWORD,
            job_title=title,
            manager=manager,
            check_password=False,
            **flags,
        )

    cora = person("cora", "Cora Chen", "Chief Executive", is_executive=True)
    hana = person("hana", "Hana Haddad", "HR Director", cora, is_hr_admin=True)
    sam = person("sam", "Sam Sato", "Sales Director", cora)
    ava = person("ava", "Ava Adams", "Account Executive", sam)
    pia = person("pia", "Pia Park", "Account Executive", sam)
    eli = person("eli", "Eli Evans", "Engineering Manager", cora)
    dev = person("dev", "Dev Diaz", "Engineer", eli)
    otto = person("otto", "Otto Olsen", "Counsel", cora)

    team = people_actions.create_team
    acme = team(acting_user=None, name="Acme", kind=Team.Kind.COMPANY, lead=cora)
    people_ops = team(acting_user=None, name="People Ops", kind="department", parent=acme)
    sales = team(acting_user=None, name="Sales", kind="department", parent=acme, lead=sam)
    enterprise = team(acting_user=None, name="Enterprise Sales", parent=sales, lead=sam)
    engineering = team(
        acting_user=None, name="Engineering", kind="department", parent=acme, lead=eli
    )
    platform = team(acting_user=None, name="Platform", parent=engineering, lead=eli)
    legal = team(acting_user=None, name="Legal", kind="department", parent=acme)
    for t, p in [
        (people_ops, hana),
        (enterprise, ava),
        (enterprise, pia),
        (platform, dev),
        (legal, otto),
    ]:
        people_actions.add_member(acting_user=None, team=t, person=p)

    fy = goal_actions.create_cycle(
        acting_user=None,
        name="FY 2026",
        kind="annual",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
        state="active",
    )
    q3 = goal_actions.create_cycle(
        acting_user=None,
        name="Q3 2026",
        kind="quarter",
        start_date=dt.date(2026, 7, 1),
        end_date=dt.date(2026, 9, 30),
        parent=fy,
        state="closed",
    )
    q4 = goal_actions.create_cycle(
        acting_user=None,
        name="Q4 2026",
        kind="quarter",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 12, 31),
        parent=fy,
        state="active",
    )
    return Cast(
        cora,
        hana,
        sam,
        ava,
        pia,
        eli,
        dev,
        otto,
        acme,
        people_ops,
        sales,
        enterprise,
        engineering,
        platform,
        legal,
        fy,
        q3,
        q4,
    )


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture(autouse=True)
def _fresh_org_cache() -> None:
    from lineofsight.people.selectors import forget_organisation_cache

    forget_organisation_cache()


# Fixtures that open the test database; a test with none of them (and no django_db mark)
# is refused the database by pytest-django.
DATABASE_FIXTURES = frozenset({"db", "transactional_db", "live_server"})
# A module that starts processes may reach the database named by DATABASE_URL without them.
STARTS_PROCESSES = re.compile(r"\bsubprocess\b|\bPopen\b|DATABASE_URL")


def runs_the_same_on_any_database(item: pytest.Item) -> bool:
    """Whether a test's outcome cannot depend on the database the suite runs on: it makes
    its own databases (marked ``own_databases``), what it checks does not depend on the
    database it reads (marked ``same_on_any_database``, with why), or it can reach none (no
    django_db mark, no database fixture, and its module starts no process)."""
    if item.get_closest_marker("own_databases") or item.get_closest_marker("same_on_any_database"):
        return True
    if item.get_closest_marker("django_db"):
        return False
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return False
    module = getattr(item, "module", None)
    return module is not None and not _starts_processes(module.__file__)


@functools.cache
def _starts_processes(path: str) -> bool:
    return bool(STARTS_PROCESSES.search(Path(path).read_text(encoding="utf-8")))


def builds_a_module_world(item: pytest.Item) -> bool:
    """Whether the test uses a module-scoped fixture that writes to the database (the demo
    organisation, a world of markers): built once per worker that runs the module's tests."""
    info = getattr(item, "_fixtureinfo", None)
    for name in getattr(item, "fixturenames", ()):
        definitions = info.name2fixturedefs.get(name) if info else None
        last = definitions[-1] if definitions else None
        if last is not None and last.scope == "module" and "django_db_blocker" in last.argnames:
            return True
    return False


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Two things, before pytest-xdist shares the tests out.

    The tests of a module whose fixture builds a world in the database once for the module
    (the demo organisation takes ten seconds and more) are kept on one worker (an
    ``xdist_group`` of the module's own, unless it has one), so it is built once, not once
    on each worker.

    A second run of the suite on another database (``.ci/run``'s PostgreSQL run sets
    ``LOS_TESTS_SECOND_RUN=1``) leaves out the tests whose outcome cannot depend on the
    database (``runs_the_same_on_any_database``): the first run has already run exactly
    them."""
    for item in items:
        if not item.get_closest_marker("xdist_group") and builds_a_module_world(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    if os.environ.get("LOS_TESTS_SECOND_RUN") != "1":
        return
    kept: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    for item in items:
        (left_out if runs_the_same_on_any_database(item) else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
