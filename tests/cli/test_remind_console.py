"""``lineofsight remind`` run as the console script, against its own SQLite file, on the demo
organisation laid out on a fixed Monday (the default digest day)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import DATABASE_FILE, console, copy_database

# Every test here runs the console script on SQLite files of its own.
pytestmark = pytest.mark.own_databases

SCRIPT = Path(sys.executable).with_name("lineofsight")
MONDAY = "2026-11-16"


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory, migrated_database):
    """The demo organisation laid out on MONDAY, loaded once for the module's tests."""
    folder = tmp_path_factory.mktemp("demo")
    copy_database(migrated_database, folder)
    loaded = console(folder, timeout=300)("demo", "--today", MONDAY)
    assert loaded.returncode == 0, loaded.stderr
    return folder / DATABASE_FILE


@pytest.fixture
def lineofsight(tmp_path, demo_database):
    copy_database(demo_database, tmp_path)
    return console(tmp_path, timeout=300, LOS_SITE_URL="https://okr.northwind.example")


def test_reminders_escalations_and_digests_from_the_console(lineofsight):
    dry = lineofsight("remind", "--today", MONDAY, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    counts = re.search(
        r"would send (\d+) check-in reminders, (\d+) escalations, (\d+) weekly digests", dry.stdout
    )
    assert counts is not None, dry.stdout
    reminders, escalations, digests = map(int, counts.groups())
    assert reminders >= 3 and escalations >= 1 and digests >= 5
    # The demo's people behind on their check-ins: Jordan (escalated to Priya), Priya, Omar.
    assert "reminder   to Jordan Blake <jordan@northwind.example>" in dry.stdout
    assert "reminder   to Omar Farouk" in dry.stdout
    assert (
        "escalation to Priya Natarajan <priya@northwind.example>: Jordan Blake has missed 2 "
        "check-ins in a row" in dry.stdout
    )
    assert "digest     to Priya Natarajan" in dry.stdout
    assert "Nothing was sent or recorded." in dry.stdout

    # Loading the demo queued its review notifications (self reviews open, feedback
    # requested, kudos); the run delivers them with its own messages.
    queued = lineofsight(
        "shell",
        "-c",
        "from lineofsight.integrations.models import Notification; "
        "print(Notification.objects.filter(state='pending').count())",
    )
    assert queued.returncode == 0, queued.stderr
    pending = int(queued.stdout.strip().splitlines()[-1])
    sent = lineofsight("remind", "--today", MONDAY)
    assert sent.returncode == 0, sent.stderr
    assert f"{reminders} check-in reminders queued (0 sent before)" in sent.stdout
    assert f"({reminders + escalations + digests + pending} sent)" in sent.stdout

    again = lineofsight("remind", "--today", MONDAY)
    assert again.returncode == 0, again.stderr
    assert f"0 check-in reminders queued ({reminders} sent before)" in again.stdout
    assert f"0 weekly digests queued ({digests} sent before)" in again.stdout
    assert "Delivery: nothing to deliver" in again.stdout

    # Later in the week nothing more is sent: the week's digests went out on Monday.
    tuesday = lineofsight("remind", "--today", "2026-11-17")
    assert tuesday.returncode == 0, tuesday.stderr
    assert f"0 weekly digests queued ({digests} sent before)" in tuesday.stdout
    assert "Digest week from Mon 16 Nov." in tuesday.stdout

    refused = lineofsight("remind", "--today", "16 November")
    assert refused.returncode != 0
    assert "--today: '16 November' is not a date; use YYYY-MM-DD." in refused.stderr


def test_an_unresolved_blocker_goes_up_the_chain_from_the_console(lineofsight):
    """Jordan's blocker with Nadia was raised ten days before the demo's Monday and told her
    manager Victor then; fourteen days on, the run tells the next one up, once."""
    later = lineofsight("remind", "--today", "2026-11-20")
    assert later.returncode == 0, later.stderr
    found = re.search(r"(\d+) blocker escalations queued \((\d+) sent before\)", later.stdout)
    assert found is not None, later.stdout
    assert int(found[1]) >= 1 and int(found[2]) >= 1
    again = lineofsight("remind", "--today", "2026-11-20")
    assert "0 blocker escalations queued" in again.stdout
    told = lineofsight(
        "shell",
        "-c",
        "from lineofsight.goals.models import BlockerEvent; "
        "print(sorted(BlockerEvent.objects.filter(kind='escalated', "
        "blocker__raised_by__username='jordan').values_list('person__username', flat=True)))",
    )
    assert "['maya', 'victor']" in told.stdout, told.stdout + told.stderr
