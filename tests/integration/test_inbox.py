"""The inbox in the app: what lands there (reminders, alignment proposals, a parent objective
revised or abandoned), marking read, per-kind preferences, and the daily summary the
``remind`` run sends once a day."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from lineofsight.core.errors import InvalidInput
from lineofsight.discussion import actions as talk
from lineofsight.goals import actions
from lineofsight.integrations import actions as notify
from lineofsight.integrations import selectors
from lineofsight.integrations.inbox import unread_count
from lineofsight.integrations.models import InboxItem, Notification

from ..discussion_world import build_world
from ..okrs import build_cascade

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 10, 19)


def remind(*args: str) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_reminders_land_in_the_inbox_once_beside_their_email(cast):
    build_cascade(cast)
    remind("--today", MONDAY.isoformat())
    remind("--today", MONDAY.isoformat())
    emails = Notification.objects.filter(kind="reminder", channel="email")
    items = InboxItem.objects.filter(kind="reminder")
    assert emails.count() > 0
    assert sorted(items.values_list("recipient_id", "dedupe_key")) == sorted(
        emails.values_list("recipient_id", "dedupe_key")
    )
    assert all(i.url == "/check-in/" for i in items)


def test_a_parent_abandoned_tells_the_owners_of_what_aligns_to_it_with_the_reason(
    cast, django_capture_on_commit_callbacks
):
    company = actions.create_objective(
        acting_user=cast.cora,
        title="Win the enterprise market",
        level="company",
        cycle=cast.q4,
        owner_team=cast.acme,
    )
    mine = actions.create_objective(
        acting_user=cast.ava,
        title="Close my first two enterprise deals",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
    )
    link = actions.align_objective(acting_user=cast.ava, child=mine, parent_objective=company)
    actions.accept_alignment(acting_user=cast.cora, link=link)
    with django_capture_on_commit_callbacks(execute=True):
        actions.abandon_objective(
            acting_user=cast.cora, objective=company, reason="We focus on mid-market this year."
        )
    item = InboxItem.objects.get(recipient=cast.ava, kind="parent")
    assert item.subject == "\u201cWin the enterprise market\u201d was abandoned"
    assert "Why: We focus on mid-market this year." in item.body
    assert "Close my first two enterprise deals" in item.body
    assert item.url == f"/objectives/{company.pk}/"
    assert Notification.objects.filter(recipient=cast.ava, kind="parent").count() == 1


def test_a_parent_revised_tells_the_owners_once_per_revision(
    cast, django_capture_on_commit_callbacks
):
    company = actions.create_objective(
        acting_user=cast.cora, title="Grow", level="company", cycle=cast.q4, owner_team=cast.acme
    )
    team = actions.create_objective(
        acting_user=cast.sam, title="Pipeline", level="team", cycle=cast.q4, owner_team=cast.sales
    )
    actions.align_objective(acting_user=cast.cora, child=team, parent_objective=company)
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_objective(
            acting_user=cast.cora, objective=company, title="Grow profitably", reason="Margins"
        )
    item = InboxItem.objects.get(recipient=cast.sam, kind="parent")
    assert "was revised" in item.subject and "Why: Margins" in item.body
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_objective(acting_user=cast.cora, objective=company, rationale="Board ask")
    assert InboxItem.objects.filter(recipient=cast.sam, kind="parent").count() == 1


def test_mark_read_and_all_read_touch_only_ones_own_inbox(cast, django_capture_on_commit_callbacks):
    world = build_world(cast)
    with django_capture_on_commit_callbacks(execute=True):
        talk.post_comment(acting_user=cast.ava, objective=world.public, body="@sam @pia look")
    with django_capture_on_commit_callbacks(execute=True):
        talk.post_comment(acting_user=cast.ava, objective=world.public, body="and @sam again")
    assert unread_count(cast.sam.pk) == 2 and unread_count(cast.pia.pk) == 1
    first = selectors.inbox_for_user(cast.sam).order_by("pk").first()
    assert notify.mark_read(acting_user=cast.pia, items=[first]) == 0
    assert notify.mark_read(acting_user=cast.sam, items=[first]) == 1
    assert unread_count(cast.sam.pk) == 1
    assert notify.mark_all_read(acting_user=cast.sam) == 1
    assert unread_count(cast.sam.pk) == 0 and unread_count(cast.pia.pk) == 1
    # HR reads the outbox, never anyone's inbox
    assert not selectors.inbox_for_user(cast.hana).exists()


def test_preferences_name_the_field_and_change_nothing(cast):
    with pytest.raises(InvalidInput) as refused:
        notify.set_notification_preferences(
            acting_user=cast.sam, person=cast.sam, channels={"mention": ["pigeon"]}
        )
    assert list(refused.value.errors) == ["channels.mention"]
    with pytest.raises(InvalidInput) as refused:
        notify.set_notification_preferences(
            acting_user=cast.sam, person=cast.sam, email_mode="hourly"
        )
    assert list(refused.value.errors) == ["email_mode"]
    assert notify.preferences_of(cast.sam).pk is None


def test_the_daily_summary_replaces_emails_and_goes_once_a_day(
    cast, django_capture_on_commit_callbacks
):
    world = build_world(cast)
    notify.set_notification_preferences(acting_user=cast.sam, person=cast.sam, email_mode="daily")
    with django_capture_on_commit_callbacks(execute=True):
        talk.post_comment(
            acting_user=cast.ava, objective=world.private, body="@sam the deal slipped"
        )
    assert not Notification.objects.filter(recipient=cast.sam, kind="mention").exists()
    assert unread_count(cast.sam.pk) == 1
    day = "2026-11-23"
    out = remind("--today", day)
    assert "1 daily inbox summary queued" in out
    remind("--today", day)
    [summary] = Notification.objects.filter(recipient=cast.sam, kind="daily")
    assert summary.dedupe_key == f"daily:{day}"
    assert summary.subject == "1 unread message in Line of Sight"
    assert "Ava Adams mentioned you on" in summary.body
    assert "/inbox/" in summary.body
    # someone emailed message by message gets no summary
    assert not Notification.objects.filter(recipient=cast.ava, kind="daily").exists()
