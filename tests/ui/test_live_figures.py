"""Figures within a minute of a check-in: a check-in recorded through the page, then the
worker's pass (the schedule's "figures-after-check-ins" job, every 30 seconds), and the
dashboard's stored figures show it, dated by the pass."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from lineofsight.insights.actions import take_snapshots
from lineofsight.insights.tasks import changed_cycles

from ..dashboards import build_tracked, record_weeks

pytestmark = pytest.mark.django_db

SNAPSHOT = dt.datetime(2026, 11, 20, 12, 0, 5, tzinfo=dt.UTC)
CHECK_IN = SNAPSHOT + dt.timedelta(minutes=1)
PASS = CHECK_IN + dt.timedelta(seconds=30)
NEXT_PASS = PASS + dt.timedelta(seconds=30)


@pytest.fixture
def world(cast, settings):  # type: ignore[no-untyped-def]
    settings.SCHEDULE = {
        "figures-after-check-ins": {
            "task": "lineofsight.insights.tasks.refresh_changed_figures",
            "every": 30,
        }
    }
    with time_machine.travel(SNAPSHOT, tick=False):
        tracked = build_tracked(cast)
        record_weeks(tracked, range(7))
        take_snapshots(acting_user=None, cycles=[cast.q4])
    return tracked


def worker_pass(at: dt.datetime) -> None:
    with time_machine.travel(at, tick=False):
        call_command("worker", "--once", stdout=StringIO())


def leadership(client, cast) -> dict:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/dashboards/leadership?cycle={cast.q4.pk}")
    assert response.status_code == 200
    return response.json()


def test_a_check_in_reaches_the_stored_figures_at_the_next_pass(cast, world, client):
    client.force_login(cast.hana)
    with time_machine.travel(CHECK_IN, tick=False):
        before = leadership(client, cast)
        client.force_login(cast.sam)
        response = client.post(
            reverse("key-result-check-in", args=[world.logos.pk]),
            {"value": "36", "confidence": "on_track"},
        )
        assert response.status_code in (200, 302)
        client.force_login(cast.hana)
        between = leadership(client, cast)
    # The live headline moved at once; the stored figures wait for the worker.
    assert between["progress_now"] > before["progress_now"]
    assert between["organisation"] == before["organisation"]
    assert between["as_of"] == before["as_of"] == SNAPSHOT.isoformat()
    # The key result is the year's, which the quarter's figures take in; the year has no
    # stored figures yet, so the pass stores its first.
    assert {c.pk for c in changed_cycles(now=CHECK_IN)} == {cast.fy.pk, cast.q4.pk}

    worker_pass(PASS)
    with time_machine.travel(PASS + dt.timedelta(seconds=10), tick=False):
        after = leadership(client, cast)
        html = client.get(f"/dashboards/?cycle={cast.q4.pk}").content.decode()
    assert after["organisation"]["progress"] == after["progress_now"]
    assert after["organisation"]["progress"] > before["organisation"]["progress"]
    assert after["as_of"] == PASS.isoformat()
    assert "stored figures as of 20 Nov 2026, 12:01 (just now)." in html
    assert 'data-as-of="2026-11-20T12:01:35+00:00"' in html

    # Nothing changed since: the next pass leaves the figures (and their date) as they are.
    assert changed_cycles(now=NEXT_PASS) == []
    worker_pass(NEXT_PASS)
    with time_machine.travel(NEXT_PASS, tick=False):
        assert leadership(client, cast)["as_of"] == after["as_of"]
