"""One-on-one pages through the test client: the list, setting one up, a series, a meeting
and its forms; "not found" with none of the text for everyone but the two; errors naming
their field; and the manager's home showing each report's next one-on-one (or a link to set
one up). The meeting page's queries do not grow with what is in it."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lineofsight.oneonones import actions
from lineofsight.oneonones.models import ActionItem, AgendaItem, PrivateNote, Series

from ..oneonones_world import (
    ACTION_AVA,
    AGENDA_AVA,
    AGENDA_SAM,
    NEXT_AGENDA,
    PRIVATE_AVA,
    PRIVATE_SAM,
    SECRETS,
    SHARED_NOTES,
    build_one_on_one,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


@pytest.fixture
def world(cast):
    return build_one_on_one(cast)


def test_the_meeting_page_shows_both_sides_work_and_only_my_private_note(cast, world, as_user):
    body = text(as_user(cast.sam).get(reverse("one-on-one-meeting", args=[world.held.pk])))
    for shown in (AGENDA_SAM, AGENDA_AVA, SHARED_NOTES, ACTION_AVA, PRIVATE_SAM):
        assert shown in body
    assert PRIVATE_AVA not in body
    assert "Only Sam Sato and Ava Adams see this page." in body
    ava = text(as_user(cast.ava).get(reverse("one-on-one-meeting", args=[world.next.pk])))
    assert NEXT_AGENDA in ava and ACTION_AVA in ava  # carried: still open
    assert PRIVATE_SAM not in ava and PRIVATE_AVA not in ava  # her note is on the held one


@pytest.mark.parametrize("who", ["hana", "cora", "pia", "eli"])
def test_every_page_is_not_found_for_anyone_else(cast, world, as_user, who):
    client = as_user(getattr(cast, who))
    for url in (
        reverse("one-on-one-meeting", args=[world.held.pk]),
        reverse("one-on-one-meeting", args=[world.next.pk]),
        reverse("one-on-one-series", args=[world.series.pk]),
        reverse("one-on-one-note-versions", args=[world.held.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert not any(secret in response.content.decode() for secret in SECRETS)
    posted = client.post(reverse("one-on-one-agenda", args=[world.next.pk]), {"text": "Sneaky"})
    assert posted.status_code == 404
    listing = text(client.get(reverse("one-on-ones")))
    assert "With Ava Adams" not in listing and "With Sam Sato" not in listing


def test_a_report_adds_ticks_and_writes_a_private_note(cast, world, as_user):
    client = as_user(cast.ava)
    url = reverse("one-on-one-meeting", args=[world.next.pk])
    response = client.post(reverse("one-on-one-agenda", args=[world.next.pk]), {"text": "Hiring"})
    assert response.status_code == 302 and response.url.endswith("#agenda")
    item = AgendaItem.objects.get(text="Hiring")
    client.post(reverse("one-on-one-agenda-tick", args=[item.pk]), {"done": "1"})
    item.refresh_from_db()
    assert item.done and item.added_by == cast.ava
    client.post(reverse("one-on-one-private-note", args=[world.next.pk]), {"text": "Ask to lead"})
    assert PrivateNote.objects.get(meeting=world.next, author=cast.ava).text == "Ask to lead"
    assert "Ask to lead" in text(client.get(url))
    assert "Ask to lead" not in text(as_user(cast.sam).get(url))


def test_an_empty_topic_names_the_field(cast, world, as_user):
    response = as_user(cast.sam).post(
        reverse("one-on-one-agenda", args=[world.next.pk]), {"text": ""}
    )
    assert response.status_code == 422
    assert 'data-field="text"' in response.content.decode()
    assert "has-error" in response.content.decode()


def test_saving_notes_over_the_other_sides_save_keeps_both_texts(cast, world, as_user):
    url = reverse("one-on-one-notes", args=[world.held.pk])
    as_user(cast.sam).post(url, {"text": "Sam's version", "version": "1"})
    late = as_user(cast.ava).post(url, {"text": "Ava's late version", "version": "1"})
    assert late.status_code == 422
    body = text(late)
    assert "saved the notes after you opened them" in body
    assert "Ava's late version" in body  # her text is kept in the form to merge
    assert "Sam's version" in body  # beside the text saved meanwhile
    versions = text(
        as_user(cast.ava).get(reverse("one-on-one-note-versions", args=[world.held.pk]))
    )
    assert SHARED_NOTES in versions


def test_an_action_item_for_someone_outside_is_refused(cast, world, as_user):
    response = as_user(cast.sam).post(
        reverse("one-on-one-action", args=[world.next.pk]),
        {"text": "Do it", "owner": str(cast.cora.pk)},
    )
    assert response.status_code == 422
    assert not ActionItem.objects.filter(text="Do it").exists()


def test_setting_up_changing_and_ending_a_series(cast, as_user):
    client = as_user(cast.pia)
    form = text(client.get(reverse("one-on-one-new") + f"?person={cast.sam.pk}"))
    assert "Sam Sato" in form
    response = client.post(
        reverse("one-on-one-new"),
        {"person": str(cast.sam.pk), "cadence": "fortnightly", "weekday": "2", "time": "16:00"},
    )
    series = Series.objects.get(report=cast.pia)
    assert response.status_code == 302 and response.url == reverse(
        "one-on-one-series", args=[series.pk]
    )
    page = text(client.get(response.url))
    assert "Every two weeks on Wednesday at 16:00" in page
    bad = client.post(
        reverse("one-on-one-series", args=[series.pk]),
        {"cadence": "weekly", "weekday": "9", "time": "16:00"},
    )
    assert bad.status_code == 422 and 'data-field="weekday"' in bad.content.decode()
    client.post(reverse("one-on-one-end", args=[series.pk]))
    series.refresh_from_db()
    assert series.ended_at is not None


def test_moving_a_meeting_to_the_past_names_the_field(cast, world, as_user):
    response = as_user(cast.ava).post(
        reverse("one-on-one-move", args=[world.next.pk]), {"starts_at": "2020-01-06T10:00"}
    )
    assert response.status_code == 422
    assert "Choose a time ahead of now." in text(response)


def test_the_managers_home_shows_each_reports_next_one_on_one(cast, world, as_user):
    body = text(as_user(cast.sam).get(reverse("home")))
    assert "Next one-on-one" in body
    ava = body[body.index(f'data-report="{cast.ava.pk}"') :]
    ava = ava[: ava.index("</tr>")]
    when = timezone.localtime(world.next.starts_at)
    assert reverse("one-on-one-meeting", args=[world.next.pk]) in ava
    assert when.strftime("%d %b").lstrip("0") in ava
    pia = body[body.index(f'data-report="{cast.pia.pk}"') :]
    pia = pia[: pia.index("</tr>")]
    assert "Not scheduled" in pia
    assert reverse("one-on-one-new") + f"?person={cast.pia.pk}" in pia


def test_the_meeting_page_runs_as_many_queries_however_much_is_in_it(cast, world, as_user):
    client = as_user(cast.sam)
    url = reverse("one-on-one-meeting", args=[world.next.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(6):
        actions.add_agenda_item(acting_user=cast.ava, meeting=world.next, text=f"Topic {i}")
        actions.add_action_item(
            acting_user=cast.sam,
            meeting=world.next,
            text=f"Do {i}",
            owner_id=cast.ava.pk,
            due=dt.date(2026, 12, 20),
        )
    # The session and the person (2), the meeting, the previous and the next (3), the
    # agenda, the action items, my private note, the notes' versions (4), "since last
    # time" (4), and what the navigation shows on every page (2).
    after = count()
    assert (before, after) == (15, 15)
