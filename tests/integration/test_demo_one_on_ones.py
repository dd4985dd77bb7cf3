"""The demo's one-on-ones: Priya meets Jordan weekly and Sofia every two weeks, with a
history of meetings held and the next one ahead; her home shows it, and Ahmed's row offers
to set one up."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lineofsight.oneonones import selectors
from lineofsight.oneonones.models import ActionItem, Series

pytestmark = pytest.mark.django_db


def test_priya_has_a_history_with_jordan_and_the_next_meeting_ahead(demo, people):
    priya, jordan = people["priya"], people["jordan"]
    series = Series.objects.get(manager=priya, report=jordan)
    now = timezone.now()
    held = list(series.meetings.filter(starts_at__lte=now).order_by("starts_at"))
    assert len(held) == 3
    assert all(m.agenda.count() == 2 and m.shared_notes for m in held)
    upcoming = selectors.next_meetings_with(priya, [jordan.pk])[jordan.pk]
    assert upcoming is not None and upcoming.starts_at > now
    page = selectors.meeting_page(priya, upcoming)
    assert [a.text for a in page.agenda][0] == "Negotiation course: dates and cost"
    carried = [i.text for i in page.action_items]
    assert "Pair with Sofia on two discovery calls" in carried
    assert "Send the Northwind redlines to Victor" not in carried  # done
    assert page.since.objectives  # Jordan's OKRs since last time
    mine = selectors.meeting_page(priya, held[-1]).private_note
    assert mine is not None and "larger territory" in mine.text
    assert ActionItem.objects.filter(series=series, done_at__isnull=True).count() == 2


def test_priyas_home_shows_the_next_one_on_one_of_each_report(demo, people):
    client = Client()
    client.force_login(people["priya"])
    body = client.get(reverse("home")).content.decode()
    jordan = body[body.index(f'data-report="{people["jordan"].pk}"') :]
    assert "/one-on-ones/" in jordan[: jordan.index("</tr>")]
    ahmed = body[body.index(f'data-report="{people["ahmed"].pk}"') :]
    assert "Not scheduled" in ahmed[: ahmed.index("</tr>")]


def test_jordans_review_shows_the_notes_he_shared_from_a_one_on_one(demo, people):
    from lineofsight.reviews.models import OneOnOneNote, Review

    review = Review.objects.get(subject=people["jordan"])
    assert review.manager == people["priya"] and not review.is_shared
    note = OneOnOneNote.objects.get(review=review)
    assert note.shared_by == people["jordan"] and "Northwind" in note.text
    client = Client()
    client.force_login(people["priya"])
    page = client.get(reverse("review", args=[review.pk])).content.decode()
    assert "Shared from a one-on-one" in page and "Northwind: Legal review" in page
