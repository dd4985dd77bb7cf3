"""/api/dashboards: the dashboards for scripts, under the same access policy as the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from lineofsight.api.api import api
from lineofsight.insights.actions import take_snapshots
from tests.dashboards import build_tracked, record_weeks

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):  # type: ignore[no-untyped-def]
    tracked = build_tracked(cast)
    record_weeks(tracked, range(7))
    take_snapshots(acting_user=None, cycles=[cast.q4])
    return tracked


def test_the_operations_are_documented(db):
    paths = api.get_openapi_schema()["paths"]
    ops = {
        path: {op["operationId"] for op in item.values()}
        for path, item in paths.items()
        if path.startswith("/api/dashboards")
    }
    assert ops == {
        "/api/dashboards/leadership": {"leadership_dashboard"},
        "/api/dashboards/teams/{id}": {"team_dashboard"},
        "/api/dashboards/people/{id}": {"person_dashboard"},
    }


def test_without_credentials_the_answer_is_401(cast):
    for url in ("/api/dashboards/leadership", f"/api/dashboards/teams/{cast.sales.pk}"):
        response = Client().get(url)
        assert response.status_code == 401
        assert "Bearer" in response.json()["detail"]


def test_a_token_reads_the_dashboards_as_its_owner(cast, world, as_person):
    otto = as_person("otto")
    data = otto.get("/dashboards/leadership", cycle=cast.q4.pk).json()
    assert data["cycle"]["name"] == "Q4 2026" and data["scope"] == "public"
    assert data["organisation"]["key_results"] == 6
    hana = as_person("hana").get("/dashboards/leadership", cycle=cast.q4.pk).json()
    assert hana["scope"] == "all" and hana["organisation"]["key_results"] == 7
    # Otto sees Ava's public key results; her private one only her editors see.
    mine = otto.get(f"/dashboards/people/{cast.ava.pk}", cycle=cast.q4.pk).json()
    ids = {kr["id"] for kr in mine["key_results"]}
    assert ids == {world.ava_opps.pk, world.ava_closes.pk}
    assert world.secret_kr.pk not in {r["key_result"] for r in data["at_risk"]}


def test_figures_are_rounded_once_to_four_decimals(cast, world, as_person):
    data = as_person("sam").get(f"/dashboards/teams/{cast.sales.pk}", cycle=cast.q4.pk).json()
    kr = data["objectives"][0]["key_results"][0]
    numbers = [kr["progress"], kr["expected"], kr["pace"]["expected"], kr["forecast"]["progress"]]
    numbers += [r["progress"] for r in kr["readings"]]
    assert all(round(n, 4) == n for n in numbers)
    assert kr["pace"]["expected"] == kr["expected"]
    assert kr["readings"][0]["day"] == "2026-10-05"
    assert data["team"] == {
        "id": cast.sales.pk,
        "name": "Sales",
        "kind": "department",
        "parent": cast.acme.pk,
    }


@pytest.mark.parametrize("query", ["cycle=0", "cycle=abc", "department=-1"])
def test_bad_parameters_are_named(cast, as_person, query):
    response = as_person("ava").client.get(f"/api/dashboards/leadership?{query}")
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {query.split("=")[0]}
