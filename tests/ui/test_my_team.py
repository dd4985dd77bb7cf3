"""The manager's home: "My team" lists each direct report with their OKRs' progress, due and
missed check-ins, key results at risk and open blockers, and a nudge that sends a check-in
reminder now, once a day per report and manager. The page's queries do not grow with the
number of reports."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions
from lineofsight.integrations.models import Notification
from lineofsight.people import actions as people_actions
from lineofsight.people.selectors import forget_organisation_cache

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def section(body: str) -> str:
    start = body.index('id="my-team"')
    return body[start : body.index("</section>", start)]


def test_a_manager_sees_each_report_with_their_okrs(cast, cascade, as_user):
    actions.record_check_in(
        acting_user=cast.ava,
        key_result=cascade.ava_opps,
        value=2,
        confidence="off_track",
        blockers="Legal review queue",
        at=dt.datetime(2026, 10, 5, 10, tzinfo=dt.UTC),
    )
    body = section(text(as_user(cast.sam).get(reverse("home"))))
    assert "My team" in body and "2 direct reports" in body
    ava = body[body.index(f'data-report="{cast.ava.pk}"') :]
    ava = ava[: ava.index("</tr>")]
    assert cast.ava.name in ava and "1 objective" in ava
    assert "3 due" in ava and "missed" in ava  # weekly since October: all overdue
    assert "3 key results" in ava  # at risk, off track or stale by pace, weeks into Q4
    assert ">1<" in ava  # the open blocker on her key result
    assert reverse("person-nudge", args=[cast.ava.pk]) in ava
    pia = body[body.index(f'data-report="{cast.pia.pk}"') :]
    assert "No objectives yet" in pia[: pia.index("</tr>")]
    # Someone without reports has no such section.
    assert 'id="my-team"' not in text(as_user(cast.ava).get(reverse("home")))


def test_the_nudge_sends_a_reminder_now_once_a_day(
    cast, cascade, as_user, django_capture_on_commit_callbacks
):
    client = as_user(cast.sam)
    url = reverse("person-nudge", args=[cast.ava.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "Asked Ava" in text(response) and "3 key results due" in text(response)
    sent = [m for m in mail.outbox if m.to == [cast.ava.email]]
    assert len(sent) == 1 and sent[0].subject.startswith(f"{cast.sam.name} asks for a check-in")
    assert cascade.ava_opps.title in sent[0].body and "asked you for a check-in" in sent[0].body
    row = Notification.objects.get(recipient=cast.ava, kind="reminder")
    assert row.state == "sent" and row.dedupe_key.startswith(f"nudge:{cast.sam.pk}:")
    assert AuditEvent.objects.filter(action="nudge.send", actor=cast.sam).count() == 1
    again = text(client.post(url, follow=True))
    assert "You asked" in again and "today at" in again and "you can ask again tomorrow" in again
    assert Notification.objects.filter(recipient=cast.ava).count() == 1
    # Another manager in her chain has a nudge of their own; a peer has none.
    as_user(cast.cora).post(url)
    assert Notification.objects.filter(recipient=cast.ava).count() == 2
    assert as_user(cast.pia).post(url).status_code == 403
    assert as_user(cast.otto).post(url).status_code == 403


def _team_of(cast, manager, n: int) -> None:
    for i in range(n):
        person = people_actions.create_person(
            acting_user=None,
            username=f"{manager.username}-r{i}",
            display_name=f"Report {i:02d}",
            manager=manager,
        )
        objective = actions.create_objective(
            acting_user=person,
            title=f"Objective of report {i}",
            level="individual",
            cycle=cast.q4,
            owner_person=person,
        )
        kr = actions.create_key_result(
            acting_user=person,
            objective=objective,
            title=f"Key result {i}",
            kind="increase",
            start_value=0,
            target_value=10,
            owner=person,
        )
        actions.record_check_in(
            acting_user=person, key_result=kr, value=1, confidence="at_risk", blockers="Stuck"
        )


def test_the_home_page_runs_as_many_queries_with_30_reports_as_with_3(cast, as_user):
    counts = {}
    for n in (3, 30):
        manager = people_actions.create_person(
            acting_user=None, username=f"manager-{n}", display_name=f"Manager {n}"
        )
        _team_of(cast, manager, n)
        client = as_user(manager)
        forget_organisation_cache()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("home"))
        body = text(response)
        assert f"{n} direct reports" in body and "Report 00" in body
        counts[n] = len(ctx.captured_queries)
    assert counts[3] == counts[30], counts


def test_the_api_nudges_once_a_day_naming_the_field(cast, cascade):
    from django.test import Client

    from lineofsight.core import tokens

    def api(person):
        _, secret = tokens.create_token(acting_user=person, person=person, name="t")
        return Client(headers={"Authorization": f"Bearer {secret}"})

    sam = api(cast.sam)
    url = f"/api/people/{cast.ava.pk}/nudge"
    first = sam.post(url, "{}", content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["due"] == 3 and first.json()["person"] == cast.ava.pk
    again = sam.post(url, "{}", content_type="application/json")
    assert again.status_code == 422 and list(again.json()["errors"]) == ["person"]
    assert "tomorrow" in again.json()["errors"]["person"][0]
    assert api(cast.pia).post(url, "{}", content_type="application/json").status_code == 403
