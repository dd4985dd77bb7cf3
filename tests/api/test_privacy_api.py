"""/api/privacy: personal data requests (export, erase), HR only."""

from __future__ import annotations

import io
import json
import zipfile

from lineofsight.core.models import AuditEvent
from lineofsight.people import actions as people
from lineofsight.people.models import Person


def test_only_hr_handles_requests(cast, as_person):
    for name in ("ava", "sam", "cora"):
        api = as_person(name)
        assert api.post(f"/privacy/people/{cast.otto.pk}/export").status_code == 403
        erase = api.post(f"/privacy/people/{cast.otto.pk}/erase", {"confirm_name": "Otto Olsen"})
        assert erase.status_code == 403
    assert Person.objects.get(pk=cast.otto.pk).display_name == "Otto Olsen"


def test_hr_exports_and_erases_over_the_api(cast, as_person):
    api = as_person("hana")
    export = api.post(f"/privacy/people/{cast.otto.pk}/export")
    assert export.status_code == 200 and export["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        assert json.loads(archive.read("profile.json"))["username"] == "otto"
    refused = api.post(f"/privacy/people/{cast.otto.pk}/erase", {"confirm_name": "Otto Olsen"})
    assert refused.status_code == 422 and "still active" in refused.json()["errors"]["person"][0]
    people.update_person(acting_user=cast.hana, person=cast.otto, is_active=False)
    wrong = api.post(f"/privacy/people/{cast.otto.pk}/erase", {"confirm_name": "Otto"})
    assert wrong.status_code == 422 and "confirm_name" in wrong.json()["errors"]
    missing = api.post(f"/privacy/people/{cast.otto.pk}/erase", {})
    assert missing.status_code == 422 and "confirm_name" in missing.json()["errors"]
    erased = api.post(f"/privacy/people/{cast.otto.pk}/erase", {"confirm_name": "otto olsen"})
    assert erased.status_code == 200
    assert erased.json() == {"id": cast.otto.pk, "name": f"Former employee #{cast.otto.pk}"}
    assert api.post("/privacy/people/999999/export").status_code == 404
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="person.e")] == [
        "person.erase",
        "person.export",
    ]
