"""``lineofsight cycles close`` grades the cycle; ``cycles grades`` and ``cycles regrade``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions
from lineofsight.goals.models import KeyResult, Objective

from ..closing import fresh, record_quarter
from ..okrs import build_cascade

pytestmark = pytest.mark.django_db
SCRIPT = Path(sys.executable).with_name("lineofsight")


def test_closing_grades_the_cycle_and_prints_a_summary(cast, run):
    c = build_cascade(cast)
    record_quarter(cast, c)
    out = run("cycles", "close", "Q4 2026")
    assert out.splitlines() == [
        "Q4 2026 is closed: its OKRs are frozen; HR can still amend them with a reason.",
        # Ava 0.84 (aspirational), Sales 0.79 (aspirational), Platform 0.00 (aspirational).
        "Objectives graded: 3 (average grade 0.54).",
        "Aspirational successes: 2 of 3 (0.7 counts as success).",
    ]
    assert fresh(c.ava_obj).computed_grade == 0.84
    assert KeyResult.objects.filter(cycle=cast.q4, computed_grade__isnull=False).count() == 7
    event = AuditEvent.objects.filter(action="cycle.set_state").latest("pk")
    assert event.actor is None and event.data["graded"]["objectives"] == 3


def test_grades_prints_the_summary_of_a_closed_cycle(cast, run):
    c = build_cascade(cast)
    record_quarter(cast, c)
    run("cycles", "close", "Q4 2026")
    actions.adjust_objective_grade(
        acting_user=cast.ava, objective=c.ava_obj, adjusted_grade=0.9, reason="Signed late"
    )
    out = run("cycles", "grades", "q4 2026")
    assert out.startswith("Q4 2026, closed on ")
    assert "Adjusted by their owners: 1." in out
    data = json.loads(run("cycles", "grades", "Q4 2026", "--json"))
    assert data["cycle"] == "Q4 2026"
    assert data["graded"] == 3 and data["aspirational_successes"] == 2
    assert data["average"] == pytest.approx((0.84 + 0.79 + 0.0) / 3)


def test_regrade_after_an_hr_amendment(cast, run):
    c = build_cascade(cast)
    record_quarter(cast, c)
    run("cycles", "close", "Q4 2026")
    actions.record_check_in(
        acting_user=cast.hana,
        key_result=c.ava_closes,
        value=6,
        confidence="on_track",
        amendment_reason="Signed on the last day",
    )
    out = run("cycles", "regrade", "Q4 2026")
    assert out.splitlines()[0] == (
        "Regraded Q4 2026: 2 of 3 objective grades and 1 of 7 key-result grades changed."
    )
    assert fresh(c.ava_obj).computed_grade == 0.89
    assert "Regraded Q4 2026: 0 of 3" in run("cycles", "regrade", "Q4 2026")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["grades", "Q4 2026"], "NAME: Q4 2026 is active; it is graded when it closes"),
        (["regrade", "FY 2026"], "NAME: FY 2026 is active; it is graded when it closes"),
        (["grades", "Q9 2026"], "NAME: no cycle is called 'Q9 2026'"),
        (["close", "Q3 2026"], "NAME: Q3 2026 is already closed"),
    ],
)
def test_refusals_change_nothing(cast, run, unchanged, args, message):
    build_cascade(cast)
    before = sorted(Objective.objects.values_list("pk", "computed_grade"))
    with unchanged(), pytest.raises(CommandError, match=message):
        run("cycles", *args)
    assert sorted(Objective.objects.values_list("pk", "computed_grade")) == before


def test_the_console_script_closes_a_cycle(tmp_path: Path):
    """Through ``lineofsight`` itself, against a SQLite file of its own."""
    env = {
        **os.environ,
        "LOS_DATA_DIR": str(tmp_path),
        "LOS_SECRET_KEY": "only-for-this-test",
        "LOS_TESTING": "1",
    }
    env.pop("DATABASE_URL", None)
    env.pop("LOS_DEBUG", None)

    def call(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
            [str(SCRIPT), *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
        )

    assert call("migrate", "--no-input", "-v0").returncode == 0
    add = ["--kind", "annual", "--start", "2026-01-01", "--end", "2026-12-31", "--state", "active"]
    assert call("cycles", "add", "FY 2026", *add).returncode == 0
    closed = call("cycles", "close", "FY 2026")
    assert closed.returncode == 0, closed.stderr
    assert "No objectives graded." in closed.stdout
    again = call("cycles", "close", "FY 2026")
    assert again.returncode != 0 and "already closed" in again.stderr
