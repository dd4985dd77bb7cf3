"""``lineofsight orgchart import FILE [--dry-run] [--deactivate-missing]`` and ``export``."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from lineofsight.people.models import Person

from .conftest import snapshot

FILE = (
    "email,name,manager_email,team_path,title\n"
    "nia@acme.test,Nia New,eli@acme.test,Engineering / Platform / Storage,Engineer\n"
    "dev@acme.test,Dev Diaz,eli@acme.test,Engineering / Platform,Staff Engineer\n"
)


@pytest.fixture
def people_csv(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "people.csv"
    path.write_text(FILE)
    return path


def test_dry_run_prints_the_plan_and_changes_nothing(cast, run, people_csv):
    before = snapshot()
    out = run("orgchart", "import", str(people_csv), "--dry-run")
    assert "New team: Engineering / Platform / Storage" in out
    assert "Create row 2: Nia New <nia@acme.test> (manager eli@acme.test" in out
    assert "Change row 3: Dev Diaz <dev@acme.test>: title Engineer -> Staff Engineer" in out
    assert "2 rows: 1 to create, 1 changes, 0 moves, 0 to deactivate, 1 new teams." in out
    assert "Dry run: nothing was changed." in out
    assert snapshot() == before


def test_import_applies_and_deactivates_when_asked(cast, run, people_csv):
    out = run("orgchart", "import", str(people_csv), "--deactivate-missing")
    assert "Deactivate Ava Adams <ava@acme.test>: active yes -> no" in out
    assert out.rstrip().endswith("Imported.")
    assert Person.objects.get(email="nia@acme.test").manager_id == cast.eli.pk
    assert not Person.objects.get(pk=cast.ava.pk).is_active


def test_a_bad_file_is_refused_naming_rows(cast, run, tmp_path):
    before = snapshot()
    bad = tmp_path / "bad.csv"
    bad.write_text("email,name,manager_email,start_date\na@acme.test,A,a@acme.test,soon\n")
    with pytest.raises(CommandError) as refused:
        run("orgchart", "import", str(bad))
    assert str(refused.value) == (
        "The file has 2 problems; nothing was changed.\n"
        "Row 2, manager_email: a person cannot be their own manager.\n"
        "Row 2, start_date: 'soon' is not a date; use YYYY-MM-DD."
    )
    assert snapshot() == before


def test_a_missing_file_is_named(cast, run, tmp_path):
    with pytest.raises(CommandError, match="FILE: cannot read"):
        run("orgchart", "import", str(tmp_path / "nope.csv"))


def test_export_round_trips(cast, run, tmp_path):
    out = run("orgchart", "export")
    assert out.splitlines()[0] == "email,name,manager_email,team_path,title,hr,start_date,active"
    target = tmp_path / "org.xlsx"
    assert "Wrote the org chart to" in run("orgchart", "export", "-o", str(target))
    assert target.read_bytes().startswith(b"PK")
    again = run("orgchart", "import", str(target), "--dry-run", "--deactivate-missing")
    assert "8 rows: 0 to create, 0 changes, 0 moves, 0 to deactivate, 0 new teams." in again
    with pytest.raises(CommandError, match="give a file with -o"):
        run("orgchart", "export", "--format", "xlsx")
