"""Running the coach (coach.rules): every check, by name, and on a draft objective."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import lineofsight.coach.rules as coaching
from lineofsight.coach.rules import CHECKS, check_draft_objective, run_checks
from lineofsight.coach.rules.facts import CoachSettings
from lineofsight.coach.rules.findings import Subject
from tests.coaching_examples.build import filler_krs, kr, obj, population

ARR = "Grow ARR from $12M to $18M"


def messy_population():  # type: ignore[no-untyped-def]
    company = obj(ARR, level="company")
    copy = obj(ARR, team="Marketing", parent_objective_ids=(company.id,),
               krs=(kr("Send 300 outreach emails", target=300), *filler_krs(1)))
    lone = obj("Learn Rust", level="individual", person=7, krs=filler_krs(1))
    return population(company, copy, lone)


def test_every_check_has_a_name_a_description_and_a_stable_order() -> None:
    assert list(CHECKS) == ["focus", "copy_paste", "orphan", "measurable", "lagging_only",
                            "sandbagging", "neglect", "attainment_rating", "nesting",
                            "line_of_sight", "rationale", "thin_team"]
    for name, check in CHECKS.items():
        assert check.name == name and check.description.endswith(".")


def test_run_checks_runs_all_in_order_and_each_finding_names_its_check() -> None:
    pop = messy_population()
    findings = run_checks(pop)
    order = list(CHECKS)
    assert [order.index(f.check) for f in findings] == sorted(order.index(f.check)
                                                              for f in findings)
    assert {f.code for f in findings} >= {
        "copy_paste.objective", "measurable.activity", "orphan.unaligned",
        "focus.too_few_key_results",
    }
    assert run_checks(pop) == findings  # the same input gives the same list
    for f in findings:
        assert f.code.startswith(f.check + ".") or f.code.split(".")[0] in CHECKS
        assert f.message and f.suggestion


def test_named_checks_only_and_unknown_names_are_refused() -> None:
    pop = messy_population()
    assert {f.check for f in run_checks(pop, checks=["measurable"])} == {"measurable"}
    assert run_checks(pop, checks=[]) == []
    with pytest.raises(ValueError, match="Unknown check: speling. Known checks: focus"):
        run_checks(pop, checks=["measurable", "speling"])


def test_settings_reach_every_check() -> None:
    pop = messy_population()
    loose = CoachSettings(min_key_results=1)
    assert not [f for f in run_checks(pop, loose) if f.code == "focus.too_few_key_results"]


def test_a_draft_is_checked_against_the_owner_s_other_objectives_and_its_parents() -> None:
    company = obj(ARR, level="company")
    existing = [obj(f"Objective {i}", level="individual", person=4,
                    parent_objective_ids=(company.id,)) for i in range(3)]
    other_person = obj("Someone else's", level="individual", person=5)
    draft = obj(ARR, level="individual", person=4, id=-1,
                parent_objective_ids=(company.id,), state="draft",
                krs=(kr("Have 10 customer meetings", target=10, id=-2),))
    pop = population(*existing, other_person, parents=(company,))
    findings = check_draft_objective(draft, pop)
    codes = {(f.code, f.subject, f.subject_id) for f in findings}
    assert codes == {
        ("focus.person_objectives", Subject.PERSON, 4),
        ("focus.too_few_key_results", Subject.OBJECTIVE, -1),
        ("copy_paste.objective", Subject.OBJECTIVE, -1),
        ("measurable.activity", Subject.KEY_RESULT, -2),
    }
    # Nothing about other people's objectives.
    assert not [f for f in findings if other_person.id in (f.subject_id, f.objective_id)]


def test_a_draft_counts_in_its_owner_s_leading_and_lagging_balance() -> None:
    company = obj(ARR, level="company")
    draft = obj("Renew and expand my accounts", level="individual", person=9, id=0,
                parent_objective_ids=(company.id,),
                krs=(kr("Closed-won revenue from $0.8M to $1.2M", id=0),
                     kr("NRR of my book from 104% to 110%", id=-1)))
    pop = population(parents=(company,))
    assert [(f.code, f.subject_id) for f in check_draft_objective(draft, pop)] == [
        ("lagging_only.person", 9)]
    team_work = obj("Make renewals predictable", team="Customer Success",
                    krs=(kr("Health checks for the top 50", owner_id=9, signal="leading"),
                         kr("QBRs with the top 30")), parent_objective_ids=(company.id,))
    pop = population(team_work, parents=(company,))
    assert check_draft_objective(draft, pop) == []


def test_editing_a_saved_objective_replaces_it_rather_than_counting_it_twice() -> None:
    company = obj(ARR, level="company")
    saved = [obj(f"Objective {i}", level="individual", person=4,
                 parent_objective_ids=(company.id,)) for i in range(3)]
    edited = obj("Objective 0, reworded", level="individual", person=4, id=saved[0].id,
                 parent_objective_ids=(company.id,),
                 krs=(kr("Qualified opportunities from 10 to 25", signal="leading"),
                      kr("New logos from 2 to 6")))
    assert check_draft_objective(edited, population(*saved, parents=(company,))) == []


def test_a_draft_is_compared_with_a_parent_among_the_population_s_objectives() -> None:
    team = obj("Generate and close enough enterprise pipeline to hit 40 new logos",
               team="Enterprise Sales")
    draft = obj("Generate and close enterprise pipeline to hit 40 logos", level="individual",
                person=4, id=0, parent_objective_ids=(team.id,),
                krs=(kr("Qualified opportunities from 10 to 25", signal="leading"),
                     kr("New logos from 2 to 6")))
    findings = check_draft_objective(draft, population(team))
    assert [(f.code, f.subject_id) for f in findings] == [("copy_paste.objective", 0)]


def test_an_unaligned_draft_is_caught_before_publishing() -> None:
    draft = obj("Learn Rust", level="individual", person=7, id=0, state="draft",
                krs=(kr("Ship two services in Rust", kind="milestone", signal="leading"),
                     kr("On-call pages from those services below 2 a month", kind="stay_below",
                        target=2)))
    findings = check_draft_objective(draft, population())
    [finding] = [f for f in findings if f.check == "orphan"]
    assert finding.code == "orphan.unaligned" and finding.subject_id == 0
    # Shipping the services is work done: the coach asks what it moves.
    assert [f.code for f in findings if f.check != "orphan"] == ["measurable.deliverable"]


def test_the_coach_imports_nothing_from_django() -> None:
    folder = Path(coaching.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [n for n in names if n.split(".")[0] == "django"], path.name
    probe = ("import sys, lineofsight.coach.rules as c; "
             "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))")
    out = subprocess.run(  # noqa: S603 (our own interpreter, a fixed probe)
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
