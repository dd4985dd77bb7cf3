"""Helpers for the command-line tests: run a command, snapshot what the database holds."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from lineofsight.core.models import ApiToken, AuditEvent
from lineofsight.goals.models import Cycle
from lineofsight.people.models import Membership, Organisation, Person, Team


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
