"""The audit log page for HR: filters, pages, exports, admin edits, and what it never shows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.models import AuditEvent
from lineofsight.people import actions as people
from lineofsight.people.models import Person

SECRET = "Confidential-words-7c1f about a rating"


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _body(response) -> str:  # type: ignore[no-untyped-def]
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _private_entries(cast) -> None:  # type: ignore[no-untyped-def]
    """Entries holding written words under the keys actions use for them, nested too."""
    audit.record(
        actor=cast.sam,
        action="calibration.explain_flag",
        subject=cast.ava,
        data={"session": 1, "rule": "big_move", "text": SECRET},
    )
    audit.record(
        actor=cast.sam,
        action="team.retrospective_decision",
        subject=cast.sales,
        data={"previous": {"learned": SECRET, "decision": "change"}},
    )
    audit.record(
        actor=cast.hana,
        action="review.amend",
        subject=cast.ava,
        data={"fields": ["rating"]},
        amendment_reason=SECRET,
    )


def test_hr_reads_every_change_and_others_are_refused(cast):
    people.update_person(acting_user=cast.hana, person=cast.pia, job_title="Team Lead")
    page = _client(cast.hana).get("/audit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "person.update" in html and "Hana Haddad" in html and "Team Lead" in html
    assert "System" in html  # the cast was made with nobody's authority
    for who in (cast.ava, cast.sam, cast.cora):
        assert _client(who).get("/audit/").status_code == 403
        assert _client(who).get("/audit/export.csv").status_code == 403
    assert Client().get("/audit/").status_code == 302


def test_filters_narrow_the_list(cast):
    people.update_person(acting_user=cast.hana, person=cast.pia, job_title="Team Lead")
    people.update_person(acting_user=cast.hana, person=cast.ava, job_title="Closer")
    hana = _client(cast.hana)

    def actions_of(**query: str) -> list[tuple[str, int | None]]:
        response = hana.get("/audit/", query)
        assert response.status_code == 200, response.content.decode()[:500]
        return [(e["event"].action, e["event"].subject_id) for e in response.context["entries"]]

    assert actions_of(actor="hana") == [
        ("person.update", cast.ava.pk),
        ("person.update", cast.pia.pk),
    ]
    assert actions_of(actor="hana", subject_type="people.person", subject_id=str(cast.pia.pk)) == [
        ("person.update", cast.pia.pk)
    ]
    assert {a for a, _ in actions_of(action="team.")} == {"team.create", "team.add_member"}
    assert actions_of(q="haddad") == actions_of(actor="hana")
    today = timezone.localdate()
    assert len(actions_of(since=today.isoformat(), actor="hana")) == 2
    assert actions_of(until=(today - dt.timedelta(days=1)).isoformat()) == []


def test_bad_filters_are_named_and_show_nothing(cast):
    hana = _client(cast.hana)
    response = hana.get("/audit/", {"subject_id": "abc", "since": "2026-13-01"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Enter a whole number from 1 up." in html and "Enter a date as YYYY-MM-DD." in html
    assert response.context["errors"].keys() == {"subject_id", "since"}
    assert response.context["entries"] == [] and "Correct the filters above." in html
    swapped = hana.get("/audit/", {"since": "2026-11-02", "until": "2026-11-01"})
    assert swapped.status_code == 422 and "until" in swapped.context["errors"]
    assert hana.get("/audit/export.csv", {"subject_id": "0"}).status_code == 422


def test_a_page_costs_the_same_queries_whatever_the_log_holds(cast):
    hana = _client(cast.hana)
    hana.get("/audit/")  # the organisation's settings, read once and kept
    for n in range(5):
        audit.record(actor=cast.ava, action="test.small", data={"n": n})
    with CaptureQueriesContext(connection) as small:
        assert hana.get("/audit/").status_code == 200
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=p, action="test.bulk", subject_type="people.person", subject_id=p.pk, data={}
        )
        for n in range(150)
        for p in (cast.ava, cast.sam)
    )
    with CaptureQueriesContext(connection) as large:
        response = hana.get("/audit/", {"page": "3"})
    assert response.status_code == 200 and len(response.context["entries"]) == 50
    assert len(large.captured_queries) == len(small.captured_queries)
    assert response.context["pages"] > 3


def test_exports_stream_the_filtered_list(cast):
    people.update_person(acting_user=cast.hana, person=cast.pia, job_title="Team Lead")
    hana = _client(cast.hana)
    response = hana.get("/audit/export.csv", {"actor": "hana"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(_body(response))))
    assert [(r["action"], r["actor"]) for r in rows] == [("person.update", "Hana Haddad")]
    assert "job_title: Team Lead" in rows[0]["details"]
    everything = json.loads(_body(hana.get("/audit/export.json")))
    assert len(everything) == AuditEvent.objects.count()
    assert everything[0]["id"] == AuditEvent.objects.order_by("-at", "-id")[0].pk


def test_written_words_never_show_on_the_page_or_in_exports(cast):
    _private_entries(cast)
    hana = _client(cast.hana)
    surfaces = [
        hana.get("/audit/").content.decode(),
        _body(hana.get("/audit/export.csv")),
        _body(hana.get("/audit/export.json")),
    ]
    for text in surfaces:
        assert "calibration.explain_flag" in text
        assert "Confidential-words-7c1f" not in text
        assert audit.WITHHELD in text
    # The rows keep them, for whoever investigates with the database.
    assert AuditEvent.objects.filter(action="calibration.explain_flag").get().data["text"] == SECRET


def test_changes_made_in_the_admin_appear_with_its_change_message(cast):
    hana = _client(cast.hana)
    data = {
        "name": "Legal and Compliance",
        "slug": cast.legal.slug,
        "kind": "department",
        "parent": cast.acme.pk,
        "lead": "",
        "check_in_cadence": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    saved = hana.post(f"/admin/people/team/{cast.legal.pk}/change/", data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    entry = AuditEvent.objects.get(action="admin.change")
    assert entry.actor == cast.hana
    assert (entry.subject_type, entry.subject_id) == ("people.team", cast.legal.pk)
    assert entry.data["change"] == "Changed Name."
    page = hana.get("/audit/", {"action": "admin."}).content.decode()
    assert "Changed Name." in page and "people.team #" in page
