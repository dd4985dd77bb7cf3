"""Stored forecasts: what lists read instead of fitting lines again is always what the live
computation gives, and every change of the inputs makes a read compute it afresh."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lineofsight.goals import actions, tracking
from lineofsight.goals.models import KeyResult
from lineofsight.goals.tracking import stored

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def at(day: int, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, 12, tzinfo=UTC)


def rows(*krs):
    return list(
        KeyResult.objects.filter(pk__in=[kr.pk for kr in krs])
        .select_related("cycle", "objective")
        .order_by("pk")
    )


def live(*krs):
    """Computed from the check-ins, never reading or writing a stored forecast."""
    ctx = dataclasses.replace(tracking.tracking_context(), current=False)
    found = tracking.key_result_tracking(rows(*krs), context=ctx)
    return {pk: t.forecast for pk, t in found.items()}


def read(*krs):
    """As the lists read them: stored forecasts where their inputs are unchanged."""
    return {pk: t.forecast for pk, t in tracking.key_result_tracking(rows(*krs)).items()}


def reads_check_ins(fn) -> bool:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return any("goals_checkin" in q["sql"] for q in ctx.captured_queries)


@pytest.fixture
def cascade(cast):
    c = build_cascade(cast)
    for day, value in [(6, 3), (13, 5), (20, 8), (27, 9)]:
        actions.record_check_in(
            acting_user=cast.ava, key_result=c.ava_opps, value=value, confidence="on_track",
            at=at(day),
        )
    actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_legal, value=2, confidence="at_risk", at=at(8)
    )
    actions.record_check_in(
        acting_user=cast.sam, key_result=c.logos, value=6, confidence="on_track", at=at(9, 11)
    )
    return c


def test_a_read_stores_what_it_computes_and_the_next_reads_it_unchanged(cast, cascade):
    krs = (cascade.ava_opps, cascade.ava_legal, cascade.ava_closes, cascade.logos)
    assert all(not kr.forecast_key for kr in rows(*krs))
    first = read(*krs)
    assert all(kr.forecast_key and kr.forecast for kr in rows(*krs))
    assert not reads_check_ins(lambda: read(*krs))
    again = read(*krs)
    expected = live(*krs)
    assert first == again == expected
    assert expected[cascade.ava_opps.pk].method == "linear"
    assert expected[cascade.ava_closes.pk].method == "none"


def test_storing_leaves_updated_at_alone(cast, cascade):
    before = {kr.pk: kr.updated_at for kr in rows(cascade.ava_opps, cascade.logos)}
    read(cascade.ava_opps, cascade.logos)
    after = {kr.pk: kr.updated_at for kr in rows(cascade.ava_opps, cascade.logos)}
    assert before == after


def test_every_change_of_the_inputs_is_computed_afresh(cast, cascade):
    kr = cascade.ava_opps
    read(kr)
    key = rows(kr)[0].forecast_key

    # A new reading.
    actions.record_check_in(
        acting_user=cast.ava, key_result=kr, value=20, confidence="on_track", at=at(3, 11)
    )
    assert reads_check_ins(lambda: read(kr))
    assert read(kr) == live(kr)
    assert rows(kr)[0].forecast_key != key
    assert read(kr)[kr.pk].value == live(kr)[kr.pk].value

    # The objective's commitment (success moves from 70 % to 100 %).
    actions.update_objective(
        acting_user=cast.ava, objective=cascade.ava_obj, commitment="committed", reason="Firm"
    )
    result = read(kr)
    assert result == live(kr)
    assert result[kr.pk].success == 1.0

    # The key result's target.
    actions.update_key_result(acting_user=cast.ava, key_result=kr, target_value=40, reason="More")
    result = read(kr)
    assert result == live(kr)
    assert result[kr.pk].progress == live(kr)[kr.pk].progress

    # The cycle ends: the forecast becomes where it landed.
    after_end = dt.datetime(2027, 1, 2, 9, tzinfo=UTC)
    with time_machine.travel(after_end, tick=True):
        result = read(kr)
        assert result == live(kr)
        assert result[kr.pk].method == "final"


def test_a_forecast_stored_for_other_inputs_is_never_shown(cast, cascade):
    kr = cascade.ava_opps
    honest = read(kr)[kr.pk]
    bogus = dataclasses.replace(honest, progress=0.01, explanation="Not from these inputs.")
    KeyResult.objects.filter(pk=kr.pk).update(forecast=stored.to_json(bogus), forecast_key="x")
    assert read(kr)[kr.pk] == honest == live(kr)[kr.pk]
    # The same bogus figure under the right key is what a read trusts: the key is the guard.
    row = rows(kr)[0]
    ctx = tracking.tracking_context()
    key = stored.forecast_key(row, row.cycle, 0.7, ctx.today, ctx.time_zone)
    assert key == row.forecast_key


def test_the_command_stores_every_stale_forecast_once(cast, cascade):
    out = io.StringIO()
    call_command("forecasts", stdout=out)
    assert "stored" in out.getvalue()
    tracked = KeyResult.objects.filter(state="active", source="check_ins")
    assert all(kr.forecast_key for kr in tracked)
    out = io.StringIO()
    call_command("forecasts", stdout=out)
    assert "stored 0 forecasts" in out.getvalue()
    actions.record_check_in(
        acting_user=cast.ava, key_result=cascade.ava_closes, value=1, confidence="on_track"
    )
    out = io.StringIO()
    call_command("forecasts", "--cycle", str(cast.q4.pk), stdout=out)
    assert "stored 1 forecast," in out.getvalue()
    with pytest.raises(CommandError, match="--cycle: no cycle with id 999999"):
        call_command("forecasts", "--cycle", "999999")


def test_the_objectives_list_reads_no_check_ins_once_forecasts_are_stored(cast, cascade):
    client = Client()
    client.force_login(cast.sam)
    first = client.get("/api/objectives", {"limit": 500}).json()
    with CaptureQueriesContext(connection) as ctx:
        second = client.get("/api/objectives", {"limit": 500}).json()
    assert not any("goals_checkin" in q["sql"] for q in ctx.captured_queries)
    assert first == second
    by_id = {o["id"]: o for o in second["items"]}
    assert by_id[cascade.ava_obj.pk]["forecast"] is not None
    kr = client.get(f"/api/key-results/{cascade.ava_opps.pk}").json()
    expected = live(cascade.ava_opps)[cascade.ava_opps.pk]
    assert kr["forecast"]["progress"] == pytest.approx(expected.progress)
    assert kr["forecast"]["explanation"] == expected.explanation
