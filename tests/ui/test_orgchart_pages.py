"""The org-chart import and export pages: HR only, the dry-run lists the plan, a bad file
shows its problems by row and column and changes nothing, applying saves the plan shown."""

from __future__ import annotations

import base64
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lineofsight.core.models import AuditEvent
from lineofsight.people import actions, orgchart
from lineofsight.people.models import Person

HEADER = "email,name,manager_email,team_path,title,hr,start_date,active"
FILE = "\n".join(
    [
        HEADER,
        "dev@acme.test,Dev Diaz,cora@acme.test,Engineering / Platform,Staff Engineer,no,,yes",
        "nia@acme.test,Nia New,dev@acme.test,Engineering / Platform / Storage,Engineer,no,,yes",
    ]
).encode()


def upload(client, data: bytes = FILE, name: str = "people.csv", **extra):  # type: ignore[no-untyped-def]
    return client.post("/organisation/import/", {"file": SimpleUploadedFile(name, data), **extra})


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, name
    return match.group(1)


def test_the_upload_page_offers_the_templates_and_exports(cast, as_user):
    page = as_user(cast.hana).get("/organisation/import/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "Deactivate people not in the file" in html
    for link in ("template.csv", "template.xlsx", "export/?format=csv", "export/?format=xlsx"):
        assert link in html


@pytest.mark.parametrize("who", ["ava", "sam", "cora"])
def test_only_hr_may_use_them(cast, as_user, who):
    client = as_user(getattr(cast, who))
    assert client.get("/organisation/import/").status_code == 403
    assert upload(client).status_code == 403
    assert client.get("/organisation/export/?format=csv").status_code == 403
    assert client.get("/organisation/import/template.csv").status_code == 403
    assert not Person.objects.filter(email="nia@acme.test").exists()


def test_the_dry_run_shows_the_plan_and_changes_nothing(cast, as_user):
    before = AuditEvent.objects.count()
    page = upload(as_user(cast.hana))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dry-run of people.csv" in html
    assert "Engineering / Platform / Storage" in html  # the new team
    assert "Nia New" in html and "manager dev@acme.test" in html  # the create
    assert "Staff Engineer" in html and "Engineer" in html  # the change, old and new
    assert "eli@acme.test" in html and "cora@acme.test" in html  # the move of manager
    assert "Apply 4 changes" in html
    assert AuditEvent.objects.count() == before
    assert not Person.objects.filter(email="nia@acme.test").exists()


def test_applying_saves_the_plan_shown(cast, as_user):
    client = as_user(cast.hana)
    html = upload(client).content.decode()
    answer = client.post(
        "/organisation/import/apply/",
        {
            "payload": hidden(html, "payload"),
            "filename": "people.csv",
            "digest": hidden(html, "digest"),
        },
        follow=True,
    )
    assert answer.redirect_chain[-1][0] == "/organisation/import/"
    assert "Imported people.csv: 1 created, 1 changes, 1 moves" in answer.content.decode()
    nia = Person.objects.get(email="nia@acme.test")
    assert nia.manager_id == cast.dev.pk
    assert Person.objects.get(pk=cast.dev.pk).job_title == "Staff Engineer"


def test_a_stale_plan_is_shown_again_and_not_applied(cast, as_user):
    client = as_user(cast.hana)
    html = upload(client).content.decode()
    actions.update_person(acting_user=cast.hana, person=cast.dev, job_title="Principal")
    answer = client.post(
        "/organisation/import/apply/",
        {
            "payload": hidden(html, "payload"),
            "filename": "people.csv",
            "digest": hidden(html, "digest"),
        },
    )
    assert answer.status_code == 409
    assert "The organisation changed since the dry-run" in answer.content.decode()
    assert not Person.objects.filter(email="nia@acme.test").exists()


def test_a_bad_file_shows_its_problems_and_changes_nothing(cast, as_user):
    before = AuditEvent.objects.count()
    bad = FILE + b"\nzed@acme.test,Zed,,,,maybe,,\nzoe@acme.test,Zoe,ghost@acme.test,,,,,\n"
    page = upload(as_user(cast.hana), bad)
    assert page.status_code == 422
    html = page.content.decode()
    assert "2 problems in people.csv" in html
    assert "<strong>Row 4, hr:</strong> &#x27;maybe&#x27; is not yes or no." in html
    assert (
        "<strong>Row 5, manager_email:</strong> nobody in the file or the organisation has the "
        "email ghost@acme.test." in html
    )
    assert "Nothing was changed" in html
    assert AuditEvent.objects.count() == before


def test_a_tampered_apply_is_refused(cast, as_user):
    client = as_user(cast.hana)
    bad = base64.b64encode(b"email,name\nnot-an-email,X\n").decode()
    answer = client.post("/organisation/import/apply/", {"payload": bad, "digest": "x"})
    assert answer.status_code == 422
    assert "Row 2, email:" in answer.content.decode()
    answer = client.post("/organisation/import/apply/", {"payload": "%%%", "digest": "x"})
    assert answer.status_code == 422 and "upload it again" in answer.content.decode()


def test_no_file_is_a_clear_error(cast, as_user):
    page = as_user(cast.hana).post("/organisation/import/", {})
    assert page.status_code == 422
    assert "Choose a CSV or XLSX file" in page.content.decode()


def test_the_export_and_templates_download(cast, as_user):
    client = as_user(cast.hana)
    answer = client.get("/organisation/export/?format=csv")
    assert answer["Content-Disposition"] == 'attachment; filename="org-chart.csv"'
    assert answer.content.decode().splitlines()[0] == HEADER
    answer = client.get("/organisation/export/?format=xlsx")
    assert answer.content.startswith(b"PK")
    table = orgchart.read_table(answer.content, "org.xlsx")
    assert table.header == list(orgchart.COLUMNS) and len(table.rows) == 8
    assert client.get("/organisation/export/?format=pdf").status_code == 422
    template = client.get("/organisation/import/template.xlsx")
    sheet, problems = orgchart.parse(orgchart.read_table(template.content))
    assert not problems and len(sheet.rows) == 4
    csv_template = client.get("/organisation/import/template.csv").content
    assert csv_template.startswith(HEADER.encode())


def test_hr_finds_the_import_from_the_people_directory(cast, as_user):
    assert "/organisation/import/" in as_user(cast.hana).get("/people/").content.decode()
    assert "/organisation/import/" not in as_user(cast.sam).get("/people/").content.decode()


def test_a_file_too_large_for_the_browser_points_to_the_cli(cast, as_user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024 + 100
    html = upload(as_user(cast.hana)).content.decode()
    assert "too large to apply from the browser" in html
    assert "disabled>Apply" in html
