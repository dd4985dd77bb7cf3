"""One-on-ones through their actions and selectors: setting up, the next meeting kept ahead,
moving, skipping and ending, the agenda, notes with their history and the last-writer check,
action items carried over, private notes, "since last time", who sees what, a change of
manager, and the messages the inbox gets."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from lineofsight.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions as goal_actions
from lineofsight.integrations.models import InboxItem, Notification
from lineofsight.oneonones import actions, selectors
from lineofsight.oneonones.models import Meeting, PrivateNote, SharedNoteVersion
from lineofsight.people import actions as people_actions

from ..oneonones_world import (
    ACTION_AVA,
    AGENDA_SAM,
    PRIVATE_AVA,
    PRIVATE_SAM,
    SECRETS,
    SHARED_NOTES,
    build_one_on_one,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return build_one_on_one(cast)


def test_either_side_sets_up_a_series_and_its_first_meeting_is_ahead(cast):
    series = actions.set_up_series(
        acting_user=cast.pia, other=cast.sam, cadence="fortnightly", weekday=3, time=dt.time(15, 30)
    )
    assert (series.manager, series.report) == (cast.sam, cast.pia)
    meeting = series.meetings.get()
    assert meeting.starts_at > timezone.now()
    assert timezone.localtime(meeting.starts_at).weekday() == 3
    assert timezone.localtime(meeting.starts_at).time() == dt.time(15, 30)
    assert AuditEvent.objects.filter(action="one_on_one.series_set_up").exists()


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("cadence", {"cadence": "daily", "weekday": 1, "time": dt.time(10)}),
        ("weekday", {"cadence": "weekly", "weekday": 7, "time": dt.time(10)}),
        ("time", {"cadence": "weekly", "weekday": 1, "time": "10am"}),
    ],
)
def test_a_bad_rule_names_its_field_and_sets_up_nothing(cast, field, kwargs):
    with pytest.raises(InvalidInput) as exc:
        actions.set_up_series(acting_user=cast.sam, other=cast.ava, **kwargs)
    assert field in exc.value.errors
    assert not Meeting.objects.exists()


def test_only_a_manager_and_a_direct_report_set_one_up(cast):
    for acting, other in ((cast.cora, cast.ava), (cast.hana, cast.ava), (cast.ava, cast.pia)):
        with pytest.raises(InvalidInput) as exc:
            actions.set_up_series(
                acting_user=acting, other=other, cadence="weekly", weekday=1, time=dt.time(10)
            )
        assert "person" in exc.value.errors


def test_a_second_running_series_with_the_same_person_is_refused(cast, world):
    with pytest.raises(InvalidInput) as exc:
        actions.set_up_series(
            acting_user=cast.ava, other=cast.sam, cadence="weekly", weekday=1, time=dt.time(10)
        )
    assert "already" in exc.value.errors["person"][0]


def test_the_next_meeting_is_kept_ahead_and_past_ones_stay(cast, world):
    meetings = list(world.series.meetings.order_by("starts_at"))
    assert meetings[0] == world.held and world.held.starts_at < timezone.now()
    assert meetings[-1] == world.next and world.next.starts_at > timezone.now()
    with time_machine.travel(world.next.starts_at + dt.timedelta(hours=2), tick=False):
        upcoming = actions.keep_next_meeting(world.series)
        assert upcoming is not None and upcoming.starts_at > timezone.now()
        assert upcoming.starts_at - world.next.starts_at == dt.timedelta(days=7)
    assert actions.keep_next_meeting(world.series) == world.next  # nothing new to make


def test_moving_and_skipping_one_meeting_keeps_the_series(cast, world):
    later = world.next.starts_at + dt.timedelta(days=1, hours=3)
    actions.move_meeting(acting_user=cast.ava, meeting=world.next, starts_at=later)
    world.next.refresh_from_db()
    assert world.next.starts_at == later and world.next.planned_at != later
    actions.skip_meeting(acting_user=cast.sam, meeting=world.next)
    upcoming = selectors.next_meetings_with(cast.sam, [cast.ava.pk])[cast.ava.pk]
    assert upcoming is not None and upcoming.pk != world.next.pk
    with pytest.raises(InvalidInput) as exc:
        actions.move_meeting(
            acting_user=cast.sam, meeting=upcoming, starts_at=timezone.now() - dt.timedelta(days=1)
        )
    assert "starts_at" in exc.value.errors
    with pytest.raises(NotAllowed):
        actions.skip_meeting(acting_user=cast.sam, meeting=world.held)


def test_changing_the_rule_moves_the_meetings_ahead_that_nobody_moved(cast, world):
    actions.change_series(
        acting_user=cast.ava, series=world.series, cadence="monthly", weekday=4, time=dt.time(8)
    )
    world.next.refresh_from_db()
    local = timezone.localtime(world.next.starts_at)
    assert (local.weekday(), local.time()) == (4, dt.time(8))
    world.held.refresh_from_db()
    assert world.held.agenda.count() == 2  # the past stays as it was


def test_ending_the_series_keeps_the_meetings_held(cast, world):
    actions.end_series(acting_user=cast.ava, series=world.series)
    assert selectors.get_meeting_for_user(cast.sam, world.held.pk) == world.held
    assert selectors.next_meetings_with(cast.sam, [cast.ava.pk]) == {}
    with pytest.raises(NotAllowed):
        actions.add_agenda_item(acting_user=cast.sam, meeting=world.held, text="More")
    assert actions.keep_next_meeting(world.series) is None


def test_the_agenda_is_added_to_ordered_and_ticked_by_both(cast, world):
    meeting = world.next
    second = actions.add_agenda_item(acting_user=cast.sam, meeting=meeting, text="Hiring")
    actions.move_agenda_item(acting_user=cast.ava, item_id=second.pk, direction="up")
    page = selectors.meeting_page(cast.ava, meeting)
    assert [a.text for a in page.agenda][0] == "Hiring"
    assert page.agenda[0].added_by == cast.sam
    actions.tick_agenda_item(acting_user=cast.ava, item_id=second.pk, done=True)
    second.refresh_from_db()
    assert second.done
    with pytest.raises(NotAllowed):
        actions.remove_agenda_item(acting_user=cast.ava, item_id=second.pk)
    with pytest.raises(InvalidInput) as exc:
        actions.add_agenda_item(acting_user=cast.ava, meeting=meeting, text="   ")
    assert "text" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        actions.move_agenda_item(acting_user=cast.ava, item_id=second.pk, direction="left")
    assert "direction" in exc.value.errors


def test_shared_notes_keep_history_and_refuse_to_overwrite_the_other_sides_save(cast, world):
    meeting = world.held
    assert meeting.notes_version == 1
    actions.save_shared_notes(acting_user=cast.sam, meeting=meeting, text="Sam's", version=1)
    with pytest.raises(Conflict) as exc:
        actions.save_shared_notes(acting_user=cast.ava, meeting=meeting, text="Ava's", version=1)
    assert "text" in exc.value.errors
    meeting.refresh_from_db()
    assert meeting.shared_notes == "Sam's" and meeting.notes_version == 2
    versions = selectors.note_versions(cast.ava, meeting)
    assert [v.text for v in versions] == [SHARED_NOTES]
    assert SharedNoteVersion.objects.count() == 1


def test_open_action_items_carry_to_the_next_meeting_until_done(cast, world):
    page = selectors.meeting_page(cast.ava, world.next)
    assert [i.text for i in page.action_items] == [ACTION_AVA]
    actions.set_action_item_done(acting_user=cast.ava, item_id=world.action.pk, done=True)
    with time_machine.travel(world.next.starts_at + dt.timedelta(days=8), tick=False):
        later = actions.keep_next_meeting(world.series)
        assert later is not None
        assert selectors.meeting_page(cast.ava, later).action_items == []
    with pytest.raises(InvalidInput) as exc:
        actions.add_action_item(
            acting_user=cast.sam, meeting=world.next, text="Do it", owner_id=cast.cora.pk
        )
    assert "owner" in exc.value.errors


def test_a_private_note_is_read_by_its_author_alone(cast, world):
    assert selectors.meeting_page(cast.sam, world.held).private_note.text == PRIVATE_SAM
    assert selectors.meeting_page(cast.ava, world.held).private_note.text == PRIVATE_AVA
    assert PrivateNote.objects.count() == 2
    # The audit log (which HR reads) names the meeting, never the text.
    for event in AuditEvent.objects.filter(action__startswith="one_on_one."):
        assert not any(secret in str(event.data) for secret in SECRETS)


@pytest.mark.parametrize("who", ["cora", "hana", "pia", "eli", "otto"])
def test_nobody_but_the_two_finds_a_one_on_one(cast, world, who):
    person = getattr(cast, who)
    with pytest.raises(NotFound):
        selectors.get_meeting_for_user(person, world.held.pk)
    with pytest.raises(NotFound):
        selectors.get_series_for_user(person, world.series.pk)
    with pytest.raises(NotFound):
        actions.add_agenda_item(acting_user=person, meeting=world.next, text="Sneaky")
    with pytest.raises(NotFound):
        actions.save_private_note(acting_user=person, meeting=world.held, text="Sneaky")
    with pytest.raises(NotFound):
        actions.tick_agenda_item(acting_user=person, item_id=world.agenda_sam.pk, done=True)
    with pytest.raises(NotFound):
        actions.set_action_item_done(acting_user=person, item_id=world.action.pk, done=True)
    assert selectors.my_series(person) == []


def test_a_new_manager_ends_the_old_managers_access_to_meetings_ahead(cast, world):
    people_actions.set_manager(acting_user=cast.hana, person=cast.ava, manager=cast.eli)
    cast.ava.refresh_from_db()
    # Sam keeps the meeting they held; the one ahead is gone for both.
    assert selectors.get_meeting_for_user(cast.sam, world.held.pk) == world.held
    assert selectors.get_meeting_for_user(cast.ava, world.held.pk) == world.held
    for person in (cast.sam, cast.ava):
        with pytest.raises(NotFound):
            selectors.get_meeting_for_user(person, world.next.pk)
    with pytest.raises(NotAllowed):
        actions.add_agenda_item(acting_user=cast.sam, meeting=world.held, text="After the move")
    with pytest.raises(NotFound):
        selectors.get_meeting_for_user(cast.eli, world.held.pk)
    assert selectors.next_meetings_with(cast.sam, [cast.ava.pk]) == {}
    # The new pair sets up their own.
    series = actions.set_up_series(
        acting_user=cast.eli, other=cast.ava, cadence="weekly", weekday=0, time=dt.time(9)
    )
    assert series.meetings.count() == 1


def test_since_last_time_shows_progress_confidence_and_blockers(cast, world):
    objective = goal_actions.create_objective(
        acting_user=cast.ava,
        title="Win healthcare accounts",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
    )
    kr = goal_actions.create_key_result(
        acting_user=cast.ava,
        objective=objective,
        title="Sign 10 clinics",
        kind="increase",
        start_value=0,
        target_value=10,
        owner=cast.ava,
    )
    with time_machine.travel(world.held.starts_at - dt.timedelta(days=1), tick=False):
        goal_actions.record_check_in(
            acting_user=cast.ava, key_result=kr, value=2, confidence="on_track"
        )
    with time_machine.travel(world.held.starts_at + dt.timedelta(days=2), tick=False):
        goal_actions.record_check_in(
            acting_user=cast.ava,
            key_result=kr,
            value=5,
            confidence="at_risk",
            note="Two clinics went quiet",
            blockers="Legal review of the clinic contract",
        )
    for reader in (cast.sam, cast.ava):
        since = selectors.since_last_time(
            reader, world.next, selectors.previous_meeting(reader, world.next)
        )
        change = next(c for c in since.objectives if c.objective == objective)
        assert (change.then, change.now) == (20, 50)
        assert [(c.before, c.after) for c in since.confidence] == [("on_track", "at_risk")]
        assert since.confidence[0].check_in.note == "Two clinics went quiet"
        assert [b.blocker.text for b in since.blockers] == ["Legal review of the clinic contract"]
        assert since.blockers[0].new


def test_the_other_side_is_told_of_an_agenda_item_without_its_text(
    cast, world, django_capture_on_commit_callbacks
):
    InboxItem.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_agenda_item(acting_user=cast.sam, meeting=world.next, text=AGENDA_SAM + "!")
    item = InboxItem.objects.get()
    assert item.recipient == cast.ava and item.kind == "one_on_one"
    assert "Sam Sato added a topic" in item.subject
    assert AGENDA_SAM not in item.body + item.subject
    assert item.url.startswith(f"/one-on-ones/{world.next.pk}/")
    for message in Notification.objects.all():
        assert AGENDA_SAM not in message.body + message.subject


def test_the_owner_of_an_action_item_is_told(cast, world, django_capture_on_commit_callbacks):
    InboxItem.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_action_item(
            acting_user=cast.ava,
            meeting=world.next,
            text="Book the venue",
            owner_id=cast.sam.pk,
            due=dt.date(2026, 12, 18),
        )
        actions.add_action_item(
            acting_user=cast.ava, meeting=world.next, text="My own", owner_id=cast.ava.pk
        )
    item = InboxItem.objects.get()
    assert (item.recipient, item.kind) == (cast.sam, "action_item")
    assert "Book the venue" not in item.body
    assert "due 18 December" in item.body


def test_a_reminder_goes_to_both_the_day_before(cast, world):
    from lineofsight.integrations.oneonones import tomorrow

    day_before = timezone.localtime(world.next.starts_at).date() - dt.timedelta(days=1)
    messages = tomorrow(day_before, site_url="https://los.test")
    assert sorted(m.recipient_id for m in messages) == sorted([cast.sam.pk, cast.ava.pk])
    assert {m.kind for m in messages} == {"one_on_one"}
    assert all("tomorrow" in m.subject for m in messages)
    assert tomorrow(day_before - dt.timedelta(days=1), site_url="https://los.test") == []


def test_shared_notes_reach_hr_only_once_shared_into_the_review(cast, world, client):
    from django.urls import reverse

    from lineofsight.reviews.models import OneOnOneNote, Review

    from ..reviews import open_review_cycle

    with pytest.raises(InvalidInput) as exc:  # no review being written yet
        actions.share_notes_into_review(acting_user=cast.ava, meeting=world.held)
    assert "review" in exc.value.errors
    open_review_cycle(cast)
    review = Review.objects.get(subject=cast.ava)
    client.force_login(cast.hana)
    assert SHARED_NOTES not in client.get(reverse("review", args=[review.pk])).content.decode()
    with pytest.raises(NotFound):
        actions.share_notes_into_review(acting_user=cast.hana, meeting=world.held)
    shared = actions.share_notes_into_review(acting_user=cast.ava, meeting=world.held)
    note = OneOnOneNote.objects.get(pk=shared.note_id)
    assert (note.review, note.text, note.shared_by) == (review, SHARED_NOTES, cast.ava)
    for reader in (cast.hana, cast.sam):
        client.force_login(reader)
        page = client.get(reverse("review", args=[review.pk])).content.decode()
        assert SHARED_NOTES in page and "Shared from a one-on-one" in page
        assert PRIVATE_SAM not in page and PRIVATE_AVA not in page
    client.force_login(cast.ava)  # her own review: its outcome only once shared
    assert SHARED_NOTES not in client.get(reverse("review", args=[review.pk])).content.decode()
