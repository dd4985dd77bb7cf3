"""/api/cycles/{id}/stream: a whole cycle as NDJSON, as the caller may see it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lineofsight.goals import actions, stream
from lineofsight.goals.models import KeyResult, Objective

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db


def lines(response):
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("application/x-ndjson")
    body = b"".join(response.streaming_content).decode()
    assert body.endswith("\n")
    return [json.loads(line) for line in body.splitlines()]


def private_objective(cast):
    objective = actions.create_objective(
        acting_user=cast.ava,
        title="Private stretch about a secret merger",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    actions.create_key_result(
        acting_user=cast.ava,
        objective=objective,
        title="Secret merger term sheet signed",
        kind="milestone",
        owner=cast.ava,
    )
    return objective


def test_every_objective_of_the_cycle_with_its_key_results(cast, as_person):
    c = build_cascade(cast)
    actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_opps, value=5, confidence="at_risk"
    )
    rows = lines(as_person("hana").client.get(f"/api/cycles/{cast.q4.pk}/stream"))
    expected = list(Objective.objects.filter(cycle=cast.q4).order_by("pk"))
    assert [r["id"] for r in rows] == [o.pk for o in expected]
    ava = next(r for r in rows if r["id"] == c.ava_obj.pk)
    assert ava["title"] == c.ava_obj.title
    assert ava["owner_person"] == cast.ava.pk and ava["owner_team"] is None
    assert ava["is_development"] is False
    assert ava["progress"] == pytest.approx(Objective.objects.get(pk=c.ava_obj.pk).progress)
    assert [kr["id"] for kr in ava["key_results"]] == [
        c.ava_opps.pk,
        c.ava_legal.pk,
        c.ava_closes.pk,
    ]
    opps = ava["key_results"][0]
    stored = KeyResult.objects.get(pk=c.ava_opps.pk)
    assert opps["current_value"] == 5 and opps["confidence"] == "at_risk"
    assert opps["done"] is False and opps["owner"] == cast.ava.pk
    assert dt.datetime.fromisoformat(opps["last_check_in_at"]) == stored.last_check_in_at
    assert dt.datetime.fromisoformat(opps["updated_at"]) == stored.updated_at
    assert set(opps) == set(stream.KEY_RESULT_NAMES)
    # The year holds the company objective, whose quarter key results come with it.
    year = lines(as_person("hana").client.get(f"/api/cycles/{cast.fy.pk}/stream"))
    assert [r["id"] for r in year] == [c.company.pk]
    assert {kr["id"] for kr in year[0]["key_results"]} == {c.logos.pk, c.verticals.pk}


def test_what_the_caller_may_not_see_is_not_streamed(cast, as_person):
    build_cascade(cast)
    objective = private_objective(cast)
    for who in ("ava", "sam", "cora", "hana", "pia", "eli", "dev", "otto"):
        response = as_person(who).client.get(f"/api/cycles/{cast.q4.pk}/stream")
        rows = lines(response)
        shown = objective.pk in {r["id"] for r in rows}
        assert shown is (who in {"ava", "sam", "cora", "hana"}), who
        if not shown:
            assert "secret merger" not in json.dumps(rows).lower(), who


def test_a_missing_cycle_is_a_404_and_the_queries_do_not_grow(cast, as_person):
    build_cascade(cast)
    assert as_person("sam").client.get("/api/cycles/999999/stream").status_code == 404
    client = as_person("sam").client
    client.get("/api/me")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            lines(client.get(f"/api/cycles/{cast.q4.pk}/stream"))
        return len(ctx.captured_queries)

    small = count()
    for i in range(15):
        objective = actions.create_objective(
            acting_user=cast.sam,
            title=f"More {i}",
            level="team",
            cycle=cast.q4,
            owner_team=cast.enterprise,
        )
        for j in range(2):
            actions.create_key_result(
                acting_user=cast.sam,
                objective=objective,
                title=f"KR {i}.{j}",
                kind="increase",
                start_value=0,
                target_value=10,
                owner=cast.sam,
            )
    assert count() == small


def test_the_stream_reads_in_chunks(cast, as_person, monkeypatch):
    build_cascade(cast)
    for i in range(5):
        objective = actions.create_objective(
            acting_user=cast.sam, title=f"Chunk {i}", level="team", cycle=cast.q4,
            owner_team=cast.enterprise,
        )
        actions.create_key_result(
            acting_user=cast.sam, objective=objective, title=f"KR {i}", kind="milestone",
            owner=cast.sam,
        )
    everything = lines(as_person("hana").client.get(f"/api/cycles/{cast.q4.pk}/stream"))
    monkeypatch.setattr(stream, "CHUNK", 2)
    chunked = lines(as_person("hana").client.get(f"/api/cycles/{cast.q4.pk}/stream"))
    assert chunked == everything
    assert sum(len(r["key_results"]) for r in chunked) == KeyResult.objects.filter(
        objective__cycle=cast.q4
    ).count()
