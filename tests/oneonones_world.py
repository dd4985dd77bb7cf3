"""A one-on-one between Sam (manager) and Ava (his report), for the tests of every layer.

Set up ten days ago, weekly: one meeting held (nine days ago) with an agenda from both,
shared notes, an action item each and a private note each, and the next meeting ahead with
one agenda item. The texts are distinctive so the privacy tests can look for them anywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import time_machine
from django.utils import timezone

from lineofsight.oneonones import actions
from lineofsight.oneonones.models import ActionItem, AgendaItem, Meeting, Series

AGENDA_SAM = "Quarterly territory plan zebra"
AGENDA_AVA = "Promotion path question okapi"
SHARED_NOTES = "Agreed the pipeline review cadence narwhal"
PRIVATE_SAM = "Sam private worry about attrition quokka"
PRIVATE_AVA = "Ava private thought about leaving axolotl"
ACTION_AVA = "Send the healthcare list pangolin"
NEXT_AGENDA = "Next time: conference budget capybara"
SECRETS = (AGENDA_SAM, AGENDA_AVA, SHARED_NOTES, PRIVATE_SAM, PRIVATE_AVA, ACTION_AVA, NEXT_AGENDA)


@dataclass
class OneOnOneWorld:
    series: Series
    held: Meeting
    next: Meeting
    agenda_sam: AgendaItem
    agenda_ava: AgendaItem
    action: ActionItem


def build_one_on_one(cast) -> OneOnOneWorld:
    start = timezone.now() - dt.timedelta(days=10)
    with time_machine.travel(start, tick=False):
        weekday = (start + dt.timedelta(days=1)).weekday()
        series = actions.set_up_series(
            acting_user=cast.sam,
            other=cast.ava,
            cadence="weekly",
            weekday=weekday,
            time=dt.time(10, 0),
        )
        held = series.meetings.get()
        agenda_sam = actions.add_agenda_item(acting_user=cast.sam, meeting=held, text=AGENDA_SAM)
        agenda_ava = actions.add_agenda_item(acting_user=cast.ava, meeting=held, text=AGENDA_AVA)
        actions.save_shared_notes(acting_user=cast.ava, meeting=held, text=SHARED_NOTES, version=0)
        actions.save_private_note(acting_user=cast.sam, meeting=held, text=PRIVATE_SAM)
        actions.save_private_note(acting_user=cast.ava, meeting=held, text=PRIVATE_AVA)
        action = actions.add_action_item(
            acting_user=cast.sam, meeting=held, text=ACTION_AVA, owner_id=cast.ava.pk
        )
    series.refresh_from_db()
    held.refresh_from_db()
    upcoming = actions.keep_next_meeting(series)
    assert upcoming is not None
    actions.add_agenda_item(acting_user=cast.ava, meeting=upcoming, text=NEXT_AGENDA)
    return OneOnOneWorld(series, held, upcoming, agenda_sam, agenda_ava, action)


def live_series(cast) -> Series:
    """Sam and Ava's running series (set up again if a request ended it)."""
    found = Series.objects.filter(manager=cast.sam, report=cast.ava, ended_at=None).first()
    if found is None:
        found = actions.set_up_series(
            acting_user=cast.sam, other=cast.ava, cadence="weekly", weekday=2, time=dt.time(9, 0)
        )
    return found


def next_meeting(cast) -> Meeting:
    series = live_series(cast)
    upcoming = actions.keep_next_meeting(series)
    assert upcoming is not None
    return upcoming


def agenda_item(cast) -> int:
    """A topic of Ava's on the next meeting, not ticked (made again when needed)."""
    meeting = next_meeting(cast)
    item = AgendaItem.objects.filter(meeting=meeting, added_by=cast.ava, done=False).first()
    if item is None:
        item = actions.add_agenda_item(acting_user=cast.ava, meeting=meeting, text="Matrix topic")
    return item.pk


def action_item(cast) -> int:
    meeting = next_meeting(cast)
    item = ActionItem.objects.filter(meeting=meeting).first()
    if item is None:
        item = actions.add_action_item(
            acting_user=cast.sam, meeting=meeting, text="Matrix action", owner_id=cast.ava.pk
        )
    return item.pk
