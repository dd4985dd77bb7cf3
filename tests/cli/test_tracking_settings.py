"""Check-in cadence and tracking settings from the command line: ``cycles add/update
--cadence``, ``teams set-cadence``, ``organisation --pace-* --escalate-after
--digest-weekday``."""

from __future__ import annotations

import json

import pytest
from django.core.management.base import CommandError

from lineofsight.core.models import AuditEvent
from lineofsight.goals.models import Cycle
from lineofsight.people.models import Organisation, Team


def test_a_cycle_is_added_with_a_cadence_and_updated(cast, run):
    run(
        "cycles",
        "add",
        "FY 2027",
        "--kind",
        "annual",
        "--start",
        "2027-01-01",
        "--end",
        "2027-12-31",
        "--cadence",
        "monthly",
    )
    assert Cycle.objects.get(name="FY 2027").check_in_cadence == "monthly"
    out = run("cycles", "update", "fy 2027", "--cadence", "biweekly")
    assert out.strip() == "FY 2027: check-ins every two weeks."
    assert Cycle.objects.get(name="FY 2027").check_in_cadence == "biweekly"
    assert AuditEvent.objects.filter(action="cycle.set_cadence").count() == 1
    listed = json.loads(run("cycles", "list", "--json"))
    assert {c["name"]: c["cadence"] for c in listed}["FY 2027"] == "biweekly"
    assert "CADENCE" in run("cycles", "list")


def test_a_new_cycle_checks_in_weekly_unless_told(cast, run):
    run(
        "cycles",
        "add",
        "FY 2028",
        "--kind",
        "annual",
        "--start",
        "2028-01-01",
        "--end",
        "2028-12-31",
    )
    assert Cycle.objects.get(name="FY 2028").check_in_cadence == "weekly"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cycles", "update", "Q3 2026", "--cadence", "weekly"], "--cadence: Q3 2026 is closed"),
        (["cycles", "update", "Q9 2026", "--cadence", "weekly"], "NAME: no cycle is called"),
    ],
)
def test_refused_cadence_changes_change_nothing(cast, run, unchanged, args, message):
    with unchanged(), pytest.raises(CommandError, match=message):
        run(*args)


def test_an_unknown_cadence_is_refused_by_the_parser(cast, run):
    with pytest.raises(CommandError, match="invalid choice: 'daily'"):
        run("cycles", "update", "Q4 2026", "--cadence", "daily")


def test_a_team_sets_its_own_cadence_and_drops_it(cast, run):
    assert run("teams", "set-cadence", "platform", "monthly").strip() == (
        "Platform checks in monthly."
    )
    assert Team.objects.get(slug="platform").check_in_cadence == "monthly"
    assert "checks in monthly" in run("teams", "list")
    tree = json.loads(run("teams", "list", "--json"))
    engineering = next(t for t in tree[0]["children"] if t["slug"] == "engineering")
    assert engineering["children"][0]["cadence"] == "monthly"
    assert run("teams", "set-cadence", "platform", "--none").strip() == (
        "Platform follows each cycle's check-in cadence."
    )
    assert Team.objects.get(slug="platform").check_in_cadence == ""
    assert AuditEvent.objects.filter(action="team.set_cadence").count() == 2


def test_the_organisations_tracking_settings(cast, run):
    out = run("organisation")
    assert "Pace:      on track from 0.7 of the expected progress, off track below 0.5" in out
    assert "Escalate:  after 2 missed check-ins in a row" in out
    assert "Digest:    every Monday" in out
    out = run(
        "organisation",
        "--pace-on-track",
        "80%",
        "--pace-off-track",
        "0.6",
        "--escalate-after",
        "3",
        "--digest-weekday",
        "fri",
    )
    assert "Updated the organisation." in out and "Digest:    every Friday" in out
    org = Organisation.current()
    assert (org.pace_on_track, org.pace_off_track) == (0.8, 0.6)
    assert (org.escalate_after_misses, org.digest_weekday) == (3, 4)
    run("organisation", "--digest-weekday", "6")
    assert Organisation.current().digest_weekday == 6
    assert "Blockers:  up the manager chain after 7 days unresolved" in out
    out = run("organisation", "--escalate-blockers-after", "10")
    assert Organisation.current().blocker_escalation_days == 10
    assert "after 10 days unresolved" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pace-off-track", "0.9"], "--pace-off-track: 'Off track below' \\(0.9\\) must not"),
        (["--pace-on-track", "0.4"], "--pace-on-track: 'Off track below' \\(0.5\\) must not"),
        (["--pace-on-track", "3"], "--pace-on-track: Give a share"),
        (["--pace-on-track", "lots"], "--pace-on-track: 'lots' is not a number"),
        (["--escalate-after", "0"], "--escalate-after: Give a number of missed check-ins"),
        (["--escalate-after", "two"], "--escalate-after: 'two' is not a whole number"),
        (["--digest-weekday", "7"], "--digest-weekday: '7' is not a day"),
        (["--digest-weekday", "someday"], "--digest-weekday"),
        (["--escalate-blockers-after", "0"], "--escalate-blockers-after: Give a number of days"),
        (["--escalate-blockers-after", "soon"], "--escalate-blockers-after: 'soon' is not a"),
        (["--name", "Fine", "--pace-off-track", "0.95"], "--pace-off-track"),
    ],
)
def test_bad_settings_name_the_argument_and_change_nothing(cast, run, unchanged, args, message):
    before = Organisation.objects.values_list(
        "pace_on_track", "pace_off_track", "escalate_after_misses", "digest_weekday"
    ).get()
    with unchanged(), pytest.raises(CommandError, match=message):
        run("organisation", *args)
    after = Organisation.objects.values_list(
        "pace_on_track", "pace_off_track", "escalate_after_misses", "digest_weekday"
    ).get()
    assert after == before
