"""/api/audit: the audit log for HR, filtered, paged and exported."""

from __future__ import annotations

import csv
import io
import json

from lineofsight.core import audit
from lineofsight.core.models import AuditEvent
from lineofsight.people import actions as people


def _streamed(response) -> str:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content).decode()


def test_hr_lists_filtered_pages_of_the_audit_log(cast, as_person):
    people.update_person(acting_user=cast.hana, person=cast.pia, job_title="Team Lead")
    audit.record(
        actor=cast.sam,
        action="coach.acknowledge",
        subject=cast.ava,
        data={"reason": "Private words 93ab", "code": "focus"},
    )
    api = as_person("hana")
    answer = api.get("/audit", actor="hana", action="person.")
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 1 and body["limit"] == 50
    (item,) = body["items"]
    assert item["action"] == "person.update" and item["actor"] == "Hana Haddad"
    assert item["subject"] == "Pia Park" and item["details"] == {"job_title": "Team Lead"}
    page = api.get("/audit", limit=2, offset=2).json()
    assert page["count"] == AuditEvent.objects.count() and len(page["items"]) == 2
    coach = api.get("/audit", action="coach.").json()["items"][0]
    assert coach["details"] == {"reason": audit.WITHHELD, "code": "focus"}


def test_bad_filters_name_the_field(cast, as_person):
    api = as_person("hana")
    answer = api.get("/audit", since="yesterday", subject_id="-3")
    assert answer.status_code == 422
    assert set(answer.json()["errors"]) == {"since", "subject_id"}
    assert api.get("/audit/export", format="xml").status_code == 422


def test_exports_stream_csv_and_json(cast, as_person):
    audit.record(
        actor=cast.sam,
        action="coach.acknowledge",
        subject=cast.ava,
        data={"reason": "Private words 93ab"},
    )
    api = as_person("hana")
    as_csv = api.get("/audit/export", action="coach.")
    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(_streamed(as_csv))))
    assert [(r["action"], r["subject"], r["details"]) for r in rows] == [
        ("coach.acknowledge", "Ava Adams", f"reason: {audit.WITHHELD}")
    ]
    as_json = json.loads(_streamed(api.get("/audit/export", format="json")))
    assert len(as_json) == AuditEvent.objects.count()
    assert "Private words" not in json.dumps(as_json)


def test_only_hr_reads_the_audit_log(cast, as_person):
    for name in ("ava", "sam", "cora"):
        api = as_person(name)
        assert api.get("/audit").status_code == 403
        assert api.get("/audit/export", format="json").status_code == 403
