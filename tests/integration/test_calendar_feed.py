"""The calendar feed: a person's own check-ins due and review deadlines at a secret address,
made, replaced and revoked by that person, read by calendar apps without signing in."""

from __future__ import annotations

import icalendar
import pytest
from django.test import Client

from lineofsight.core import audit
from lineofsight.core.errors import NotAllowed
from lineofsight.integrations import calendar_feed
from lineofsight.integrations.outbound.models import CalendarFeed

from ..okrs import build_cascade
from ..reviews import DEADLINES, build_review_cycle


def fetch(raw: str) -> icalendar.Calendar:
    response = Client().get(f"/calendar/{raw}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


def test_the_feed_holds_ones_own_check_ins_due_and_review_deadlines_only(cast):
    c = build_cascade(cast)
    setup = build_review_cycle(cast)
    _, ava_raw = calendar_feed.make_feed(acting_user=cast.ava, person=cast.ava)
    _, pia_raw = calendar_feed.make_feed(acting_user=cast.pia, person=cast.pia)
    ava = events(fetch(ava_raw))
    mine = {kr.title for kr in (c.ava_opps, c.ava_legal, c.ava_closes)}
    check_ins = {s for s in ava if "heck-in" in s or s.startswith("Check in")}
    assert {s.split(": ", 1)[1] for s in check_ins} == mine
    # Ava has checked in on none of them since 1 October: all overdue, shown on today.
    overdue = ava[f"Overdue check-in: {c.ava_opps.title}"]
    assert str(overdue["uid"]).startswith(f"check-in-{c.ava_opps.pk}@")
    assert "Overdue since" in str(overdue["description"])
    assert c.ava_obj.title in str(overdue["description"])
    self_review = ava[f"Self review due: {setup.cycle.name}"]
    assert self_review.decoded("dtstart") == DEADLINES["self_review_due"]
    # Nothing of anyone else's: not Sam's key result, no manager reviews, no calibration.
    assert not any(c.logos.title in s or c.sales_opps.title in s for s in ava)
    assert not any(s.startswith(("Manager reviews", "Calibration")) for s in ava)
    pia = events(fetch(pia_raw))
    assert not any(title in s for s in pia for title in mine)
    # The same UIDs on the next read: calendar apps update rather than duplicate.
    again = fetch(ava_raw)
    assert sorted(str(e["uid"]) for e in again.walk("VEVENT")) == sorted(
        str(e["uid"]) for e in ava.values()
    )


def test_managers_see_the_reviews_they_write_and_hr_the_calibration_deadline(cast):
    build_cascade(cast)
    setup = build_review_cycle(cast)
    _, sam_raw = calendar_feed.make_feed(acting_user=cast.sam, person=cast.sam)
    _, hana_raw = calendar_feed.make_feed(acting_user=cast.hana, person=cast.hana)
    sam = events(fetch(sam_raw))
    manager = sam[f"Manager reviews due (2): {setup.cycle.name}"]
    assert manager.decoded("dtstart") == DEADLINES["manager_review_due"]
    assert "Ava Adams" in str(manager["description"])
    assert "Pia Park" in str(manager["description"])
    assert not any(s.startswith("Calibration") for s in sam)
    hana = events(fetch(hana_raw))
    calibration = hana[f"Calibration deadline: {setup.cycle.name}"]
    assert calibration.decoded("dtstart") == DEADLINES["calibration_due"]


def test_a_new_address_replaces_the_old_one_and_revoking_ends_it_at_once(cast):
    _, first = calendar_feed.make_feed(acting_user=cast.ava, person=cast.ava)
    fetch(first)
    _, second = calendar_feed.make_feed(acting_user=cast.ava, person=cast.ava)
    assert Client().get(f"/calendar/{first}.ics").status_code == 404
    fetch(second)
    assert calendar_feed.revoke_feed(acting_user=cast.ava, person=cast.ava)
    assert Client().get(f"/calendar/{second}.ics").status_code == 404
    assert Client().get("/calendar/cal_nonsense.ics").status_code == 404
    assert not CalendarFeed.objects.exists()
    actions = audit.AuditEvent.objects.filter(action__startswith="calendar_feed.")
    assert list(actions.order_by("pk").values_list("action", flat=True)) == [
        "calendar_feed.create",
        "calendar_feed.replace",
        "calendar_feed.revoke",
    ]


def test_only_the_person_makes_or_revokes_their_address(cast):
    with pytest.raises(NotAllowed):
        calendar_feed.make_feed(acting_user=cast.hana, person=cast.ava)
    calendar_feed.make_feed(acting_user=cast.ava, person=cast.ava)
    with pytest.raises(NotAllowed):
        calendar_feed.revoke_feed(acting_user=cast.sam, person=cast.ava)
    assert CalendarFeed.objects.filter(person=cast.ava).exists()


def test_an_inactive_persons_address_answers_404(cast):
    _, raw = calendar_feed.make_feed(acting_user=cast.dev, person=cast.dev)
    cast.dev.is_active = False
    cast.dev.save(update_fields=["is_active"])
    assert Client().get(f"/calendar/{raw}.ics").status_code == 404


def test_the_settings_page_shows_the_address_once(cast, client):
    client.force_login(cast.ava)
    page = client.get("/settings/calendar/")
    assert page.status_code == 200
    assert b"You have no calendar address" in page.content
    made = client.post("/settings/calendar/")
    assert made.status_code == 200
    raw = made.context["url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert raw.encode() in made.content
    fetch(raw)
    later = client.get("/settings/calendar/")
    assert raw.encode() not in later.content  # shown once
    assert raw[:10].encode() in later.content  # its start, to recognise it
    client.post("/settings/calendar/revoke/")
    assert Client().get(f"/calendar/{raw}.ics").status_code == 404
