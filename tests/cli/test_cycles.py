"""``lineofsight cycles``: list, add, open, close."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management.base import CommandError

from lineofsight.goals.models import Cycle


def test_list_shows_years_and_quarters(cast, run):
    out = run("cycles", "list")
    assert "FY 2026" in out and "Q3 2026" in out
    rows = json.loads(run("cycles", "list", "--json"))
    q4 = next(r for r in rows if r["name"] == "Q4 2026")
    assert q4 == {
        "id": cast.q4.pk,
        "name": "Q4 2026",
        "kind": "quarter",
        "start": "2026-10-01",
        "end": "2026-12-31",
        "parent": "FY 2026",
        "state": "active",
        "cadence": "weekly",
        "objectives": 0,
    }


def test_add_a_year_and_a_quarter_inside_it(cast, run):
    out = run(
        "cycles",
        "add",
        "FY 2027",
        "--kind",
        "annual",
        "--start",
        "2027-01-01",
        "--end",
        "2027-12-31",
    )
    assert "Added annual cycle FY 2027: 2027-01-01 to 2027-12-31 (planning)." in out
    run(
        "cycles",
        "add",
        "Q1 2027",
        "--kind",
        "quarter",
        "--start",
        "2027-01-01",
        "--end",
        "2027-03-31",
        "--parent",
        "FY 2027",
        "--state",
        "active",
    )
    q1 = Cycle.objects.get(name="Q1 2027")
    assert q1.parent.name == "FY 2027" and q1.state == "active"
    assert q1.start_date == dt.date(2027, 1, 1)


QUARTER = ["--kind", "quarter", "--start", "2026-01-01", "--end", "2026-03-31"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Q1 2026", *QUARTER], "--parent: Choose the year"),
        (["Q1 2026", *QUARTER, "--parent", "FY 1999"], "--parent: no cycle is called 'FY 1999'"),
        (["Q1 2026", *QUARTER, "--parent", "Q3 2026"], "--parent: A quarter sits inside"),
        (
            ["FY 2026", "--kind", "annual", "--start", "2026-01-01", "--end", "2026-12-31"],
            "NAME: A cycle called 'FY 2026' exists",
        ),
        (
            ["X", "--kind", "annual", "--start", "2026-13-01", "--end", "2026-12-31"],
            "--start: '2026-13-01' is not a date",
        ),
        (
            ["X", "--kind", "annual", "--start", "2026-01-01", "--end", "31/12/2026"],
            "--end: '31/12/2026' is not a date",
        ),
        (
            ["X", "--kind", "annual", "--start", "2026-06-01", "--end", "2026-01-01"],
            "--end: The cycle must end on or after",
        ),
        (
            [
                "Q9",
                "--kind",
                "quarter",
                "--start",
                "2025-12-01",
                "--end",
                "2026-02-28",
                "--parent",
                "FY 2026",
            ],
            "--start: A quarter of FY 2026 must lie between",
        ),
        (
            [
                "Q9",
                "--kind",
                "quarter",
                "--start",
                "2026-09-01",
                "--end",
                "2026-11-30",
                "--parent",
                "FY 2026",
            ],
            "--start: This quarter overlaps",
        ),
        (
            ["X", "--kind", "month", "--start", "2026-01-01", "--end", "2026-01-31"],
            "--kind.*invalid choice",
        ),
        (["X", "--kind", "annual", "--start", "2026-01-01"], "--end"),
        (
            [
                "X",
                "--kind",
                "annual",
                "--start",
                "2026-01-01",
                "--end",
                "2026-12-31",
                "--state",
                "closed",
            ],
            "--state.*invalid choice",
        ),
    ],
)
def test_add_refusals_change_nothing(cast, run, unchanged, args, message):
    with unchanged(), pytest.raises(CommandError, match=message):
        run("cycles", "add", *args)


def test_open_then_close(cast, run):
    run("cycles", "add", "Q1 2026", *QUARTER, "--parent", "FY 2026")
    assert "Q1 2026 is now active." in run("cycles", "open", "Q1 2026")
    assert "Q1 2026 is closed" in run("cycles", "close", "q1 2026")
    closed = Cycle.objects.get(name="Q1 2026")
    assert closed.state == "closed" and closed.closed_at is not None and closed.closed_by is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["open", "Q3 2026"], "NAME: Q3 2026 is closed; cycles only move forward"),
        (["open", "Q4 2026"], "NAME: Q4 2026 is already active"),
        (["close", "Q3 2026"], "NAME: Q3 2026 is already closed"),
        (["close", "Q1 2030"], "NAME: no cycle is called 'Q1 2030'"),
    ],
)
def test_state_refusals_change_nothing(cast, run, unchanged, args, message):
    with unchanged(), pytest.raises(CommandError, match=message):
        run("cycles", *args)
