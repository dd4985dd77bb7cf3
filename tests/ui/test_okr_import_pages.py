"""HR's page for importing OKRs: the form, the dry-run of an uploaded file (every create
and change), applying it with its digest, a file's problems by place; the export download
and the templates. Everyone else is refused the import."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lineofsight.goals.models import Objective

from ..integration.test_okr_graph import PRIVATE_TITLE, build_graph, export, wipe_okrs

pytestmark = pytest.mark.django_db


def text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def signed_in(person) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(person)
    return client


def test_hr_uploads_sees_the_dry_run_and_applies_it(cast):
    build_graph(cast)
    document = export()
    document["objectives"][0]["title"] = "Grow ARR from $12M to $20M"
    document["objectives"].append(
        {
            "id": "new-1",
            "cycle": document["objectives"][1]["cycle"],
            "title": "Open the Nordic market",
            "level": "team",
            "owner": {"team": "Sales"},
        }
    )
    data = json.dumps(document).encode()
    hana = signed_in(cast.hana)
    page = hana.get("/organisation/okrs/import/")
    assert page.status_code == 200 and "Template (XLSX)" in text(page)

    dry = hana.post("/organisation/okrs/import/", {"file": SimpleUploadedFile("graph.json", data)})
    assert dry.status_code == 200
    shown = text(dry)
    assert "Dry-run of graph.json" in shown
    assert "Open the Nordic market" in shown and "objectives[" in shown
    assert "Grow ARR from $12M to $18M" in shown and "Grow ARR from $12M to $20M" in shown
    assert "Apply 2 steps" in shown
    assert not Objective.objects.filter(title="Open the Nordic market").exists()

    payload = re.search(r'name="payload" value="([^"]+)"', dry.content.decode()).group(1)
    digest = re.search(r'name="digest" value="([^"]+)"', dry.content.decode()).group(1)
    applied = hana.post(
        "/organisation/okrs/import/apply/",
        {"payload": payload, "digest": digest, "filename": "graph.json"},
        follow=True,
    )
    assert "Imported graph.json: 1 created, 1 changed" in text(applied)
    assert Objective.objects.filter(title="Open the Nordic market").exists()
    assert Objective.objects.filter(title="Grow ARR from $12M to $20M").exists()


def test_a_file_with_problems_is_shown_by_place_and_changes_nothing(cast):
    build_graph(cast)
    document = export()
    wipe_okrs()
    document["key_results"][1]["owner"] = "ghost@acme.test"
    answer = signed_in(cast.hana).post(
        "/organisation/okrs/import/",
        {"file": SimpleUploadedFile("graph.json", json.dumps(document).encode())},
    )
    assert answer.status_code == 422
    shown = re.sub(r"<[^>]+>", "", text(answer))
    assert "key_results[1].owner: no one here has the email 'ghost@acme.test'." in shown
    assert not Objective.objects.exists()


def test_only_hr_imports_and_everyone_exports_what_they_see(cast):
    build_graph(cast)
    for person in (cast.sam, cast.ava):
        client = signed_in(person)
        assert client.get("/organisation/okrs/import/").status_code == 403
        assert client.get("/organisation/okrs/import/template.xlsx").status_code == 403
    pia = signed_in(cast.pia).get("/okrs/export/?format=csv")
    body = b"".join(pia.streaming_content).decode()
    assert pia.status_code == 200 and "Build and close my pipeline" in body
    assert PRIVATE_TITLE not in body
    hana = signed_in(cast.hana)
    template = hana.get("/organisation/okrs/import/check-ins-template.csv")
    assert template.content.decode().startswith("key_result_id,objective,key_result,")
