"""``/api/org-chart``: import (dry-run, apply, raw or multipart body) and export, HR only."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from lineofsight.people import orgchart
from lineofsight.people.models import Person

FILE = (
    b"email,name,manager_email,team_path\n"
    b"nia@acme.test,Nia New,eli@acme.test,Engineering / Platform\n"
)


def test_a_dry_run_lists_the_steps_and_changes_nothing(as_person):
    api = as_person("hana")
    answer = api.client.post("/api/org-chart/import?dry_run=true", FILE, content_type="text/csv")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["applied"] is False and body["rows"] == 1
    assert body["counts"] == {"new_team": 0, "create": 1, "change": 0, "move": 0, "deactivate": 0}
    assert body["steps"][0]["who"] == "nia@acme.test"
    assert not Person.objects.filter(email="nia@acme.test").exists()


def test_applying_a_multipart_upload_with_the_dry_runs_digest(as_person):
    api = as_person("hana")
    dry = api.client.post(
        "/api/org-chart/import?dry_run=true", {"file": SimpleUploadedFile("p.csv", FILE)}
    ).json()
    answer = api.client.post(
        f"/api/org-chart/import?expected_digest={dry['digest']}",
        {"file": SimpleUploadedFile("p.csv", FILE)},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["applied"] is True
    assert Person.objects.get(email="nia@acme.test").manager.username == "eli"


def test_a_stale_digest_is_a_conflict(as_person):
    api = as_person("hana")
    answer = api.client.post(
        "/api/org-chart/import?expected_digest=0000", FILE, content_type="text/csv"
    )
    assert answer.status_code == 409
    assert "changed since the dry-run" in answer.json()["detail"]
    assert not Person.objects.filter(email="nia@acme.test").exists()


def test_a_bad_file_names_rows_and_columns(as_person):
    api = as_person("hana")
    bad = b"email,name,manager_email\nnia@acme.test,Nia,nobody@acme.test\nbad,X,\n"
    for query in ("?dry_run=true", ""):
        answer = api.client.post(f"/api/org-chart/import{query}", bad, content_type="text/csv")
        assert answer.status_code == 422
        assert answer.json()["errors"] == {
            "Row 2, manager_email": [
                "nobody in the file or the organisation has the email nobody@acme.test."
            ],
            "Row 3, email": ["'bad' is not an email address."],
        }
    assert not Person.objects.filter(email="nia@acme.test").exists()


def test_an_empty_body_is_bad_input(as_person):
    answer = as_person("hana").client.post("/api/org-chart/import", b"", content_type="text/csv")
    assert answer.status_code == 422 and "file" in answer.json()["errors"]


def test_only_hr(as_person):
    for who in ("ava", "sam", "cora"):
        api = as_person(who)
        answer = api.client.post("/api/org-chart/import", FILE, content_type="text/csv")
        assert answer.status_code == 403
        assert api.get("/org-chart/export").status_code == 403
    assert not Person.objects.filter(email="nia@acme.test").exists()


def test_export_in_both_formats(as_person):
    api = as_person("hana")
    answer = api.get("/org-chart/export", format="csv")
    assert answer["Content-Type"].startswith("text/csv")
    rows = orgchart.read_table(answer.content).rows
    assert len(rows) == 8
    answer = api.get("/org-chart/export", format="xlsx")
    assert len(orgchart.read_table(answer.content).rows) == 8
    assert api.get("/org-chart/export", format="ods").status_code == 422
