"""Helpers for the command-line tests: run a command, snapshot what the database holds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from lineofsight.core.models import ApiToken, AuditEvent
from lineofsight.goals.models import Cycle
from lineofsight.people.models import Membership, Organisation, Person, Team

SCRIPT = Path(sys.executable).with_name("lineofsight")
DATABASE_FILE = "lineofsight.sqlite3"
Console = Callable[..., "subprocess.CompletedProcess[str]"]


def console(folder: Path, timeout: int = 120, **extra_env: str) -> Console:
    """Run the ``lineofsight`` console script as a separate process, on the SQLite file in
    ``folder``, with the environment of an installation (and ``extra_env``)."""
    env = {
        **os.environ,
        "LOS_DATA_DIR": str(folder),
        "LOS_SECRET_KEY": "only-for-this-test",
        "LOS_TESTING": "1",
        **extra_env,
    }
    env.pop("DATABASE_URL", None)
    env.pop("LOS_DEBUG", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
            [str(SCRIPT), *args], env=env, cwd=folder, capture_output=True, text=True,
            timeout=timeout,
        )

    return run


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file the console script migrated, once per test process: tests copy it
    rather than each migrating from nothing (one test still does, from a fresh shell)."""
    folder = tmp_path_factory.mktemp("migrated")
    migrated = console(folder, timeout=300)("migrate", "--no-input", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    return folder / DATABASE_FILE


def copy_database(source: Path, folder: Path) -> None:
    shutil.copyfile(source, folder / DATABASE_FILE)


@pytest.fixture
def run() -> Callable[..., str]:
    """Run ``lineofsight <args>`` in-process and return what it printed."""

    def _run(*args: str, **options: Any) -> str:
        out = StringIO()
        call_command(*args, stdout=out, stderr=StringIO(), **options)
        return out.getvalue()

    return _run


def snapshot() -> dict[str, Any]:
    """Everything the organisation commands can change, to show a refusal changed nothing."""
    return {
        "people": sorted(
            Person.objects.values_list(
                "username",
                "display_name",
                "email",
                "job_title",
                "manager_id",
                "manager_path",
                "is_hr_admin",
                "is_executive",
                "is_active",
                "password",
            )
        ),
        "teams": sorted(
            Team.objects.values_list("slug", "name", "kind", "parent_id", "path", "lead_id")
        ),
        "memberships": sorted(Membership.objects.values_list("person_id", "team_id")),
        "cycles": sorted(
            Cycle.objects.values_list("name", "kind", "start_date", "end_date", "state")
        ),
        "tokens": sorted(ApiToken.objects.values_list("pk", "name", "revoked_at")),
        "organisation": list(Organisation.objects.values_list("name", "time_zone")),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def unchanged() -> Callable[[], Any]:
    """``with unchanged(): ...`` asserts the block left the database as it found it."""
    from contextlib import contextmanager

    @contextmanager
    def _unchanged():  # type: ignore[no-untyped-def]
        before = snapshot()
        yield
        assert snapshot() == before

    return _unchanged
