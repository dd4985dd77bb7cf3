"""Who may call the API (tokens, sessions with CSRF), and the schema and docs it serves."""

from __future__ import annotations

import re

import pytest
from django.http import HttpRequest
from django.test import Client

from lineofsight.api.api import api
from lineofsight.core.models import ApiToken
from lineofsight.goals.models import CheckIn

from ..conftest import PASSWORD
from ..okrs import build_cascade
from .conftest import Api

pytestmark = pytest.mark.django_db

OPERATIONS = sorted(
    (path, method.upper())
    for path, item in api.get_openapi_schema(path_params={})["paths"].items()
    for method in item
)


def session(cast, name: str) -> Api:
    client = Client()
    client.force_login(getattr(cast, name))
    return Api(client)


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_every_endpoint_refuses_anonymous_callers(cast, path, method):
    response = Client().generic(method, path.replace("{id}", "1"))
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Sign in, or send a personal API token as 'Authorization: Bearer <token>'.",
        "errors": {},
    }


def test_token_lifecycle_create_use_list_revoke(cast):
    browser = session(cast, "ava")
    created = browser.post("/tokens", {"name": "CRM sync"})
    assert created.status_code == 201
    body = created.json()
    secret = body["token"]
    assert secret.startswith("los_") and body["prefix"] == secret[:10]
    assert body["name"] == "CRM sync" and body["active"] is True
    # Only a digest is stored.
    assert not ApiToken.objects.filter(digest=secret).exists()

    script = Api(Client(headers={"Authorization": f"Bearer {secret}"}))
    me = script.get("/me")
    assert me.status_code == 200 and me.json()["username"] == "ava"

    listed = browser.get("/tokens").json()
    assert [t["name"] for t in listed] == ["CRM sync"]
    assert "token" not in listed[0]
    assert listed[0]["last_used_at"] is not None

    assert browser.delete(f"/tokens/{body['id']}").status_code == 204
    refused = script.get("/me")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "The token is unknown or was revoked."
    assert browser.get("/tokens").json()[0]["active"] is False


def test_a_token_can_revoke_itself_and_not_someone_elses(cast, as_person):
    ava = as_person("ava")
    pia = as_person("pia")
    ava_token = ApiToken.objects.get(person=cast.ava)
    assert pia.delete(f"/tokens/{ava_token.pk}").status_code == 404
    assert ava.get("/me").status_code == 200
    assert ava.delete(f"/tokens/{ava_token.pk}").status_code == 204
    assert ava.get("/me").status_code == 401


def test_token_name_is_validated(cast, as_person):
    ava = as_person("ava")
    response = ava.post("/tokens", {"name": ""})
    assert response.status_code == 422
    assert "name" in response.json()["errors"]
    response = ava.post("/tokens", {"name": "x" * 101})
    assert response.status_code == 422 and "name" in response.json()["errors"]
    assert ApiToken.objects.filter(person=cast.ava).count() == 1


@pytest.mark.parametrize(
    "header", ["Bearer nonsense", "Bearer los_not-a-real-token", "Basic YXZhOnB3", "Token abc"]
)
def test_bad_credentials_answer_401(cast, header):
    response = Client(headers={"Authorization": header}).get("/api/me")
    assert response.status_code == 401


def test_a_bad_token_does_not_fall_back_to_the_session(cast):
    client = Client(headers={"Authorization": "Bearer los_revoked"})
    client.force_login(cast.ava)
    assert client.get("/api/me").status_code == 401


def test_other_authorization_schemes_leave_the_session_alone(cast):
    # e.g. the Basic credentials of a proxy in front of the server
    client = Client(headers={"Authorization": "Basic cHJveHk6c2VjcmV0"})
    client.force_login(cast.ava)
    assert client.get("/api/me").json()["username"] == "ava"


def test_tokens_of_inactive_people_stop_working(cast, as_person):
    ava = as_person("ava")
    assert ava.get("/me").status_code == 200
    cast.ava.is_active = False
    cast.ava.save(update_fields=["is_active"])
    assert ava.get("/me").status_code == 401


def test_session_auth_enforces_csrf_on_writes(cast):
    c = build_cascade(cast)
    client = Client(enforce_csrf_checks=True)
    # Sign-in throttling needs the request a real sign-in has.
    assert client.login(request=HttpRequest(), username="ava", password=PASSWORD)
    assert client.get("/api/me").json()["username"] == "ava"

    check_in = {"key_result": c.ava_opps.pk, "value": 5, "confidence": "on_track"}
    refused = client.post("/api/check-ins", check_in, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert CheckIn.objects.count() == 0

    # The docs page hands out the CSRF token (the "try it out" buttons send it).
    page = client.get("/api/docs").content.decode()
    token = re.search(r'data-csrf-token="([^"]+)"', page).group(1)
    accepted = client.post(
        "/api/check-ins", check_in, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201
    assert CheckIn.objects.count() == 1


def test_anonymous_writes_are_told_to_sign_in_not_about_csrf(cast):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/objectives", {}, content_type="application/json")
    assert response.status_code == 401


def test_openapi_schema_describes_the_api(cast):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Line of Sight API"
    assert schema["info"]["version"]
    assert "append-only" in schema["info"]["description"]
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    operation_ids = [op["operationId"] for item in schema["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))
    assert "record_check_in" in operation_ids
    # Check-ins are append-only: no way to change or delete one.
    assert set(schema["paths"]["/api/check-ins/{id}"]) == {"get"}
    # Every operation documents its error answers with the one error shape.
    for item in schema["paths"].values():
        for op in item.values():
            for status in ("401", "422") if op["operationId"] != "whoami" else ("401",):
                ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorOut")


def test_docs_page_works_offline(cast):
    response = Client().get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Line of Sight API" in page
    assert "http://" not in page and "https://" not in page
    # The online validator badge is switched off.
    assert '"validatorUrl": null' in page
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(a.startswith("/static/") for a in assets)
    for asset in assets:
        served = Client().get(asset)
        assert served.status_code == 200, asset
        body = b"".join(served.streaming_content) if served.streaming else served.content
        assert body


def test_check_ins_cannot_be_changed_or_deleted(cast, as_person):
    c = build_cascade(cast)
    ava = as_person("ava")
    made = ava.post(
        "/check-ins", {"key_result": c.ava_opps.pk, "value": 5, "confidence": "on_track"}
    )
    pk = made.json()["check_in"]["id"]
    assert ava.patch(f"/check-ins/{pk}", {"value": 9}).status_code == 405
    assert ava.delete(f"/check-ins/{pk}").status_code == 405
    assert CheckIn.objects.get(pk=pk).value == 5


def test_choices_in_the_schema_match_the_models():
    from typing import get_args

    from lineofsight.api import types
    from lineofsight.goals.models import AlignmentLink, Cycle, Initiative, KeyResult, Objective
    from lineofsight.people.models import Team

    pairs = [
        (types.Level, Objective.Level),
        (types.Visibility, Objective.Visibility),
        (types.ObjectiveState, Objective.State),
        (types.Commitment, Objective.Commitment),
        (types.ProgressMode, Objective.ProgressMode),
        (types.KeyResultKind, KeyResult.Kind),
        (types.Signal, KeyResult.Signal),
        (types.Source, KeyResult.Source),
        (types.KeyResultState, KeyResult.State),
        (types.Confidence, KeyResult.Confidence),
        (types.LinkKind, AlignmentLink.Kind),
        (types.InitiativeState, Initiative.State),
        (types.CycleKind, Cycle.Kind),
        (types.CycleState, Cycle.State),
        (types.TeamKind, Team.Kind),
    ]
    for literal, choices in pairs:
        assert list(get_args(literal)) == list(choices.values), choices


def test_unknown_api_paths_answer_json(cast, as_person):
    response = as_person("ava").get("/objectives/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}
