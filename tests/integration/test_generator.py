"""``lineofsight generate`` at a small size: proportions, a sound organisation, a clean roll-up."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from lineofsight.demo.generator import Shape
from lineofsight.goals import rollup
from lineofsight.goals.models import (
    AlignmentLink,
    CheckIn,
    KeyResult,
    KeyResultRevision,
    Objective,
    ObjectiveRevision,
)
from lineofsight.people.models import Membership, Person, Team

PEOPLE = 200


@pytest.fixture(scope="module")
def _generated_once(django_db_setup, django_db_blocker):
    """Generate once for the module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        out, err = StringIO(), StringIO()
        call_command("generate", "--people", str(PEOPLE), "--seed", "7", stdout=out, stderr=err)
        yield out.getvalue(), err.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def generated(_generated_once, db):
    return _generated_once


def test_shape_scales_with_head_count():
    assert Shape.for_people(10_000) == Shape(10_000, 1_000, 20, 5)
    assert Shape.for_people(200) == Shape(200, 20, 1, 4)
    assert Shape.for_people(5_000).departments == 10


def test_proportions(generated):
    out, err = generated
    assert Person.objects.count() == PEOPLE
    assert Team.objects.filter(kind="company").count() == 1
    assert Team.objects.filter(kind="department").count() == 1
    assert Team.objects.filter(kind="team").count() == PEOPLE // 10
    objectives = Counter(Objective.objects.values_list("level", flat=True))
    assert objectives["company"] == 4
    assert Objective.objects.filter(level="team").count() == 3 * (1 + PEOPLE // 10)
    per_person = Counter(
        Objective.objects.filter(level="individual")
        .values("owner_person")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    assert set(per_person) <= {2, 3} and sum(per_person.values()) == PEOPLE
    total = Objective.objects.count()
    assert KeyResult.objects.count() == 3 * total
    assert CheckIn.objects.count() == 13 * KeyResult.objects.count()
    assert ObjectiveRevision.objects.count() == total
    assert KeyResultRevision.objects.count() == KeyResult.objects.count()
    assert f"{total:,} objectives" in out
    assert "check-ins" in err  # the progress report goes to stderr


def test_every_objective_below_the_company_contributes_one_level_up(generated):
    links = AlignmentLink.objects.select_related("child", "parent_objective")
    assert links.count() == Objective.objects.exclude(level="company").count()
    rank = {"individual": 0, "team": 1, "company": 2}
    for link in links:
        assert link.kind == "contributes" and link.ended_at is None
        assert rank[link.parent_objective.level] >= rank[link.child.level]
        assert link.created_at >= link.parent_objective.created_at
    company_team = Team.objects.get(kind="company")
    for link in links.filter(child__level="team", child__owner_team__kind="department"):
        assert link.parent_objective.owner_team == company_team


def test_reporting_line_and_paths_are_materialised(generated):
    people = {p.pk: p for p in Person.objects.all()}
    (ceo,) = [p for p in people.values() if p.manager_id is None]
    for person in people.values():
        chain = []
        boss = person
        while boss.manager_id is not None:
            chain.append(boss.manager_id)
            boss = people[boss.manager_id]
        assert boss == ceo and person.chain_ids == chain
    assert Person.objects.filter(is_hr_admin=True).count() == 1
    for team in Team.objects.select_related("parent"):
        expected = "/" if team.parent is None else team.parent.subtree_prefix
        assert team.path == expected and team.lead_id is not None
        assert Membership.objects.filter(team=team, person_id=team.lead_id).exists()
    assert not Person.objects.exclude(memberships__isnull=False).exists()


def test_check_ins_are_weekly_in_the_past_and_match_each_key_result(generated):
    assert not CheckIn.objects.filter(recorded_at__gt=timezone.now()).exists()
    assert set(CheckIn.objects.values_list("confidence", flat=True)) == {
        "on_track",
        "at_risk",
        "off_track",
    }
    for kr in KeyResult.objects.order_by("?")[:25]:
        readings = list(kr.check_ins.order_by("recorded_at"))
        assert len(readings) == 13
        assert {c.author_id for c in readings} == {kr.owner_id}
        last = readings[-1]
        assert kr.last_check_in_at == last.recorded_at and kr.progress == last.progress
        assert readings[0].recorded_at > kr.created_at


@pytest.mark.parametrize("table", ["check-in", "key result", "alignment link"])
def test_the_bulk_load_leaves_the_foreign_keys_in_force(generated, table):
    """The generator loads these tables without their keys on PostgreSQL and adds them back."""
    objective = Objective.objects.first()
    assert objective is not None
    missing = 10**9
    with pytest.raises(IntegrityError, match="foreign key"), transaction.atomic():
        if table == "check-in":
            CheckIn.objects.create(
                key_result_id=missing,
                author=objective.created_by,
                recorded_at=timezone.now(),
                progress=0.0,
                confidence="on_track",
            )
        elif table == "key result":
            KeyResult.objects.create(
                objective_id=missing,
                cycle=objective.cycle,
                title="Orphan",
                kind="milestone",
                owner=objective.created_by,
            )
        else:
            AlignmentLink.objects.create(
                child=objective,
                parent_objective_id=missing,
                target_id=missing,
                kind="contributes",
                created_at=timezone.now(),
            )
        connection.check_constraints()  # the keys are deferred: check them now


def test_roll_up_is_verified_clean(generated):
    out, _ = generated
    differences, checked = rollup.verify()
    assert differences == []
    assert f"Roll-up verified: {checked:,} figures" in out
    assert Objective.objects.filter(progress__gt=0).count() > Objective.objects.count() * 0.9


def test_refuses_a_database_with_people_unless_forced(generated):
    before = (Person.objects.count(), Objective.objects.count(), CheckIn.objects.count())
    with pytest.raises(CommandError, match=f"already has {PEOPLE} people; nothing was changed"):
        call_command("generate", "--people", "50", stdout=StringIO(), stderr=StringIO())
    assert (Person.objects.count(), Objective.objects.count(), CheckIn.objects.count()) == before
    Person.objects.create(username="cora", display_name="Cora Chen")
    out = StringIO()
    call_command("generate", "--people", "50", "--force", stdout=out, stderr=StringIO())
    assert f"Deleted the existing organisation ({PEOPLE + 1} people)." in out.getvalue()
    assert Person.objects.count() == 50 and not Person.objects.filter(username="cora").exists()
    assert rollup.verify()[0] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--people", "5"], "--people: 5 is out of range"),
        (["--people", "lots"], "--people: invalid int value"),
        (["--people", "100", "--weeks", "0"], "--weeks: 0 is out of range"),
        ([], "--people"),
    ],
)
def test_bad_arguments_change_nothing(generated, args, message):
    before = (Person.objects.count(), Objective.objects.count())
    with pytest.raises(CommandError, match=message):
        call_command("generate", *args, "--force", stdout=StringIO(), stderr=StringIO())
    assert (Person.objects.count(), Objective.objects.count()) == before
