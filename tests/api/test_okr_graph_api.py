"""``/api/okr-graph``: export (everything as HR, what one may see otherwise), import with a
dry-run and the dry-run's digest, the schema and the templates."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from jsonschema import Draft202012Validator

from lineofsight.goals.exchange import graph
from lineofsight.goals.models import Objective

from ..integration.test_okr_graph import PRIVATE_TITLE, build_graph, wipe_okrs


def body(answer) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(answer.streaming_content)


def test_export_import_round_trip_over_http(as_person, cast):
    build_graph(cast)
    hana = as_person("hana")
    answer = hana.client.get("/api/okr-graph/export")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json"
    document = json.loads(body(answer))
    Draft202012Validator(graph.schema()).validate(document)
    assert PRIVATE_TITLE in {o["title"] for o in document["objectives"]}

    pia = as_person("pia").client.get("/api/okr-graph/export?cycle=Q4 2026")
    text = body(pia).decode()
    assert pia.status_code == 200 and PRIVATE_TITLE not in text
    assert json.loads(text)["scope"]["cycle"] == "Q4 2026"

    wipe_okrs()
    data = json.dumps(document).encode()
    dry = hana.client.post(
        "/api/okr-graph/import?dry_run=true", data, content_type="application/json"
    )
    assert dry.status_code == 200, dry.content
    plan = dry.json()
    assert plan["applied"] is False
    assert plan["counts"]["objectives"]["create"] == len(document["objectives"])
    assert plan["steps"][0]["action"] == "create" and plan["steps"][0]["where"] == "cycles[0]"
    assert not Objective.objects.exists()
    applied = hana.client.post(
        f"/api/okr-graph/import?expected_digest={plan['digest']}",
        {"file": SimpleUploadedFile("graph.json", data)},
    )
    assert applied.status_code == 200, applied.content
    assert Objective.objects.count() == len(document["objectives"])


def test_a_bad_file_answers_422_naming_the_place_and_only_hr_imports(as_person, cast):
    build_graph(cast)
    hana = as_person("hana")
    document = json.loads(body(hana.client.get("/api/okr-graph/export")))
    document["objectives"][0]["owner"] = {"person": "nobody@acme.test"}
    data = json.dumps(document).encode()
    answer = hana.client.post("/api/okr-graph/import", data, content_type="application/json")
    assert answer.status_code == 422
    assert answer.json()["errors"]["objectives[0].owner"] == [
        "no one here has the email 'nobody@acme.test'."
    ]
    sam = as_person("sam").client.post(
        "/api/okr-graph/import?dry_run=true", data, content_type="application/json"
    )
    assert sam.status_code == 403


def test_the_schema_and_the_templates(as_person, cast):
    ava = as_person("ava").client.get("/api/okr-graph/schema")
    assert ava.status_code == 200
    assert ava.json()["$id"] == "urn:lineofsight:okr-graph:1"
    hana = as_person("hana").client
    xlsx = hana.get("/api/okr-graph/template?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    csv = hana.get("/api/okr-graph/template?format=csv&sheet=check-ins")
    assert csv.content.decode().startswith("key_result_id,objective,key_result,recorded_at")
    assert as_person("ava").client.get("/api/okr-graph/template").status_code == 403
