"""``lineofsight coach`` (the findings, as text or JSON, and ``--strict``) and the coach's limits
in ``lineofsight organisation``."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.db import connections

from lineofsight import cli
from lineofsight.coach import actions as coach_actions
from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions
from lineofsight.people.models import Organisation

from ..okrs import build_cascade


@pytest.fixture
def cascade(cast):
    return build_cascade(cast)


def test_the_findings_are_printed_grouped_by_check(cast, cascade, run):
    out = run("coach", "--cycle", "Q4 2026")
    assert out.startswith("Coach: Q4 2026, the whole organisation (as of ")
    assert "\nFocus (" in out and "\nLeading and lagging (" in out
    assert "  ERROR   Generate and close enough enterprise pipeline for 40 new logos" in out
    assert "has 1 key result; a team objective needs at least 2" in " ".join(out.split())
    assert f"[focus.too_few_key_results, objective {cascade.sales.pk}]" in out
    assert "Try: " in out
    assert all(len(line) <= 100 for line in out.splitlines())


def test_a_team_or_a_person(cast, cascade, run):
    team = run("coach", "--cycle", "q4 2026", "--team", "platform")
    assert "Platform and the teams inside it" in team
    assert "None of Platform's 1 key result is a leading indicator" in " ".join(team.split())
    assert "Generate and close enough enterprise pipeline" not in team
    person = run("coach", "--cycle", "Q4 2026", "--person", "dev")
    assert "Q4 2026, Dev Diaz" in person and "lagging_only.person" in person
    assert "lagging_only.team" not in person


def test_json_is_machine_readable(cast, cascade, run):
    coach_actions.acknowledge_finding(
        acting_user=cast.sam,
        cycle=cast.q4,
        code="focus.too_few_key_results",
        subject="objective",
        subject_id=cascade.sales.pk,
        reason="One big bet",
    )
    data = json.loads(run("coach", "--cycle", "Q4 2026", "--json"))
    assert data["cycle"]["name"] == "Q4 2026" and data["scope"]["kind"] == "organisation"
    assert data["counts"]["acknowledged"] == 1
    sales = next(
        f
        for f in data["findings"]
        if f["code"] == "focus.too_few_key_results" and f["subject_id"] == cascade.sales.pk
    )
    assert sales["acknowledgement"]["reason"] == "One big bet"
    assert sales["acknowledgement"]["acknowledged_by_name"] == "Sam Sato"
    assert {"check", "level", "message", "suggestion", "subject_label"} <= set(sales)
    person = json.loads(run("coach", "--cycle", "Q4 2026", "--person", "ava", "--json"))
    assert person["scope"] == {
        "kind": "person",
        "team": None,
        "person": "ava",
        "label": "Ava Adams",
    }


def test_strict_exits_non_zero_while_an_error_is_open(cast, cascade, run, capsys, monkeypatch):
    with pytest.raises(CommandError, match="--strict: 3 error-level findings not acknowledged"):
        run("coach", "--cycle", "Q4 2026", "--strict")
    # As the console script: exit status 1. (The script closes the database connections on
    # its way out; the test's transaction needs its connection kept.)
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        cli.main(["coach", "--cycle", "Q4 2026", "--strict"])
    assert exited.value.code == 1
    assert "error-level findings not acknowledged" in capsys.readouterr().err
    for objective, who in (
        (cascade.sales, cast.sam),
        (cascade.company, cast.hana),
        (cascade.platform, cast.eli),
    ):
        coach_actions.acknowledge_finding(
            acting_user=who,
            cycle=cast.q4,
            code="focus.too_few_key_results",
            subject="objective",
            subject_id=objective.pk,
            reason="Deliberately narrow",
        )
    out = run("coach", "--cycle", "Q4 2026", "--strict")  # warnings alone do not fail
    assert "0 errors" in out and "3 acknowledged" in out
    assert "Acknowledged by Sam Sato on" in out


def test_strict_passes_on_a_scope_without_errors(cast, cascade, run):
    out = run("coach", "--cycle", "Q4 2026", "--person", "dev", "--strict")
    assert "0 errors" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cycle", "Q9 2030"], "--cycle: no cycle is called 'Q9 2030'"),
        (["--team", "nope"], "--team: no team has the slug 'nope'"),
        (["--person", "nobody"], "--person: nobody has the username 'nobody'"),
        (["--team", "sales", "--person", "ava"], "--team, --person: give one or the other"),
    ],
)
def test_bad_arguments_are_named(cast, cascade, run, unchanged, args, message):
    with unchanged(), pytest.raises(CommandError, match=message):
        run("coach", *args)


def test_nothing_to_point_out(cast, run):
    objective = actions.create_objective(
        acting_user=cast.otto,
        title="Cut contract review from 14 days to 7",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.otto,
    )
    assert objective.pk
    out = run("coach", "--cycle", "Q4 2026", "--person", "cora")
    assert "Nothing to point out." in out


def test_the_coach_limits_in_the_organisation_command(cast, run):
    out = run("organisation")
    assert "Coaching:  at most 3 objectives per person and 5 per team; 2-4 key results" in out
    changed = run(
        "organisation",
        "--max-objectives-person",
        "4",
        "--min-key-results-company",
        "2",
        "--copy-paste-similarity",
        "85%",
        "--sandbagging-cycles",
        "3",
    )
    assert "Updated the organisation." in changed
    org = Organisation.current()
    assert (org.max_objectives_person, org.min_key_results_company) == (4, 2)
    assert (org.copy_paste_similarity, org.sandbagging_cycles) == (0.85, 3)
    assert "copy-paste from 0.85 similarity; sandbagging after 3 cycles" in changed
    assert AuditEvent.objects.filter(action="organisation.update_coaching").count() == 1


def test_the_new_limits_are_set_on_the_command_line(cast, run):
    changed = run(
        "organisation",
        "--neglect-after-missed",
        "3",
        "--sandbagging-attainment",
        "90%",
        "--max-nesting-depth",
        "5",
        "--min-objectives-team",
        "2",
    )
    org = Organisation.current()
    assert (org.neglect_missed_check_ins, org.sandbagging_attainment) == (3, 0.9)
    assert (org.max_nesting_depth, org.min_objectives_team) == (5, 2)
    assert "sandbagging after 2 cycles at 90 % or more" in changed
    assert "at least 2 objectives per team; at most 5 alignment levels" in changed
    assert "neglected after 3 missed check-ins" in changed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-nesting-depth", "1"], "--max-nesting-depth: Give a whole number from 2 to 10"),
        (["--sandbagging-attainment", "0.5"], "--sandbagging-attainment: Give an attainment"),
        (["--max-objectives-person", "many"], "--max-objectives-person: 'many' is not a whole"),
        (["--max-objectives-team", "0"], "--max-objectives-team: Give a whole number from 1"),
        (["--min-key-results", "6"], "--min-key-results: The least number of key results"),
        (["--copy-paste-similarity", "0.1"], "--copy-paste-similarity: Give a similarity"),
        (
            ["--name", "Renamed", "--sandbagging-cycles", "1"],
            "--sandbagging-cycles: Give a whole number from 2 to 12",
        ),
    ],
)
def test_bad_limits_are_refused_and_change_nothing(cast, run, args, message):
    before = list(Organisation.objects.values())
    with pytest.raises(CommandError, match=message):
        run("organisation", *args)
    assert list(Organisation.objects.values()) == before


# -- an installation's semantic similarity (LOS_COACH_SIMILARITY) --------------------------


def _paraphrase(cast, cascade):
    child = actions.create_objective(
        acting_user=cast.sam,
        title="Take yearly subscription income to eighteen million",
        level="team",
        cycle=cast.q4,
        owner_team=cast.enterprise,
    )
    actions.align_objective(acting_user=cast.sam, child=child, parent_objective=cascade.company)
    return child


def _copies(run, child) -> list[dict]:
    data = json.loads(run("coach", "--cycle", "Q4 2026", "--json"))
    return [
        f for f in data["findings"] if f["check"] == "copy_paste" and f["subject_id"] == child.pk
    ]


def test_a_configured_similarity_catches_a_paraphrased_copy(cast, cascade, run, settings):
    child = _paraphrase(cast, cascade)
    assert _copies(run, child) == []  # lexically, the wording shares almost nothing
    settings.COACH_SIMILARITY = "tests.coach_similarity.paraphrases"
    (copy,) = _copies(run, child)
    assert copy["code"].startswith("copy_paste.") and "Grow ARR" in copy["message"]


def test_a_failing_similarity_falls_back_to_lexical(cast, cascade, run, settings, caplog):
    child = _paraphrase(cast, cascade)
    settings.COACH_SIMILARITY = "tests.coach_similarity.broken"
    assert _copies(run, child) == []
    out = run("coach", "--cycle", "Q4 2026", "--person", "sam")
    assert "Take yearly subscription" not in out.split("Copy-paste cascading")[-1]
    assert "tests.coach_similarity.broken failed" in caplog.text
    assert caplog.text.count("failed; lexical only") == 1  # reported once, then left out


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("tests.coach_similarity.missing", "cannot import"),
        ("tests.coach_similarity.NOT_A_FUNCTION", "is not a function"),
    ],
)
def test_a_bad_similarity_setting_is_named(cast, cascade, run, settings, path, message):
    settings.COACH_SIMILARITY = path
    with pytest.raises(ImproperlyConfigured, match=f"LOS_COACH_SIMILARITY: .*{message}"):
        run("coach", "--cycle", "Q4 2026")
