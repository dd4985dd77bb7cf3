"""``lineofsight rollup --verify`` and ``--rebuild``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lineofsight.goals import actions
from lineofsight.goals.models import KeyResult, Objective
from tests.okrs import build_cascade


@pytest.fixture
def cascade(cast):
    c = build_cascade(cast)
    actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_opps, value=20, confidence="on_track"
    )
    actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_closes, value=3, confidence="at_risk"
    )
    return c


def test_verify_is_clean_after_check_ins(cascade, run):
    out = run("rollup", "--verify")
    assert "no differences" in out
    checked = int(out.split("Checked ")[1].split(" ")[0])
    assert checked == Objective.objects.count() + KeyResult.objects.count()
    assert " s: " in out


def test_verify_reports_each_difference_and_fails(cascade, run):
    Objective.objects.filter(pk=cascade.sales.pk).update(progress=0.99)
    KeyResult.objects.filter(pk=cascade.ava_opps.pk).update(progress=0.01)
    with pytest.raises(CommandError, match="2 stored figures differ from the history") as err:
        run("rollup", "--verify")
    assert "rollup --rebuild" in str(err.value)


def test_verify_prints_the_differing_rows(cascade):
    Objective.objects.filter(pk=cascade.sales.pk).update(progress=0.99)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("rollup", "--verify", stdout=out)
    text = out.getvalue()
    row = next(line for line in text.splitlines() if line.startswith("objective"))
    assert str(cascade.sales.pk) in row and "Generate and close enough" in row
    assert "99.0000 %" in row
    assert "1 difference." in text


def test_rebuild_repairs_and_counts_rows(cascade, run):
    Objective.objects.filter(pk=cascade.sales.pk).update(progress=0.99)
    KeyResult.objects.filter(pk=cascade.ava_opps.pk).update(progress=0.01)
    assert "2 rows changed" in run("rollup", "--rebuild")
    assert "no differences" in run("rollup", "--verify")
    assert "0 rows changed" in run("rollup", "--rebuild")


def test_needs_exactly_one_mode(cast, run):
    with pytest.raises(CommandError, match="one of the arguments --verify --rebuild is required"):
        run("rollup")
    with pytest.raises(CommandError, match="not allowed with"):
        run("rollup", "--verify", "--rebuild")
