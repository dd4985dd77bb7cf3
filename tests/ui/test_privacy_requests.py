"""The personal data request pages: find a person, export them, erase someone who left."""

from __future__ import annotations

import io
import zipfile

from django.test import Client

from lineofsight.core.models import AuditEvent
from lineofsight.people import actions as people
from lineofsight.people.models import Person


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_hr_finds_people_including_those_who_left(cast):
    people.update_person(acting_user=cast.hana, person=cast.otto, is_active=False)
    hana = _client(cast.hana)
    page = hana.get("/privacy/requests/", {"q": "olsen"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/privacy/requests/{cast.otto.pk}/" in html and "Otto Olsen" in html and "left" in html
    assert "No exports or erasures yet." in html
    for who in (cast.ava, cast.sam, cast.cora):
        assert _client(who).get("/privacy/requests/").status_code == 403
        assert _client(who).get(f"/privacy/requests/{cast.otto.pk}/").status_code == 403


def test_the_person_page_exports_a_zip_and_says_why_erasing_waits(cast):
    hana = _client(cast.hana)
    page = hana.get(f"/privacy/requests/{cast.ava.pk}/").content.decode()
    assert "Ava Adams is still active" in page and "Download the export" in page
    assert f"/privacy/requests/{cast.ava.pk}/erase/" not in page
    download = hana.post(f"/privacy/requests/{cast.ava.pk}/export/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert "personal-data-ava-" in download["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert "profile.json" in archive.namelist()
    assert hana.get(f"/privacy/requests/{cast.ava.pk}/export/").status_code == 405
    recent = hana.get("/privacy/requests/").content.decode()
    assert "Export" in recent and "Ava Adams" in recent and "Hana Haddad" in recent


def test_erasing_names_what_happens_and_needs_the_name_typed(cast):
    people.update_person(acting_user=cast.hana, person=cast.otto, is_active=False)
    hana = _client(cast.hana)
    person_page = hana.get(f"/privacy/requests/{cast.otto.pk}/").content.decode()
    assert f"/privacy/requests/{cast.otto.pk}/erase/" in person_page
    confirm = hana.get(f"/privacy/requests/{cast.otto.pk}/erase/").content.decode()
    assert "Otto Olsen becomes" in confirm and f"Former employee #{cast.otto.pk}" in confirm
    assert "This cannot be undone." in confirm and 'name="confirm_name"' in confirm
    wrong = hana.post(f"/privacy/requests/{cast.otto.pk}/erase/", {"confirm_name": "Otto"})
    assert wrong.status_code == 422
    assert "Type Otto Olsen exactly as shown" in wrong.content.decode()
    assert Person.objects.get(pk=cast.otto.pk).display_name == "Otto Olsen"
    done = hana.post(f"/privacy/requests/{cast.otto.pk}/erase/", {"confirm_name": "Otto Olsen"})
    assert done.status_code == 302 and done.url == f"/privacy/requests/{cast.otto.pk}/"
    after = hana.get(done.url).content.decode()
    assert f"Former employee #{cast.otto.pk}" in after and "Otto" not in after
    assert "This person was erased." in after
    again = hana.post(f"/privacy/requests/{cast.otto.pk}/erase/", {"confirm_name": after})
    assert again.status_code == 422 and "was erased already" in again.content.decode()
    assert AuditEvent.objects.filter(action="person.erase").count() == 1


def test_an_active_person_cannot_be_erased_from_the_page(cast):
    hana = _client(cast.hana)
    refused = hana.post(f"/privacy/requests/{cast.pia.pk}/erase/", {"confirm_name": "Pia Park"})
    assert refused.status_code == 422 and "Pia Park is still active" in refused.content.decode()
    assert Person.objects.get(pk=cast.pia.pk).is_active
