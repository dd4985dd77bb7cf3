"""One-on-ones over the REST API: the two participants read and write; everyone else, HR
and the manager's manager included, gets 404 with nothing of the text; bad input names its
field; the notes refuse to overwrite the other side's save (409); private notes stay with
their author; and the meeting is read in a bounded number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lineofsight.goals import actions as goal_actions
from lineofsight.oneonones import actions
from lineofsight.oneonones.models import AgendaItem, Meeting

from ..oneonones_world import (
    AGENDA_AVA,
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


def test_a_participant_reads_the_meeting_with_only_their_own_private_note(as_person, world):
    sam = as_person("sam").get(f"/one-on-one-meetings/{world.held.pk}")
    assert sam.status_code == 200, sam.content
    body = sam.json()
    assert [a["text"] for a in body["agenda"]][1] == AGENDA_AVA
    assert body["agenda"][1]["added_by"]["name"] == "Ava Adams"
    assert body["shared_notes"] == SHARED_NOTES
    assert body["private_note"] == PRIVATE_SAM
    assert PRIVATE_AVA not in sam.content.decode()
    ava = as_person("ava").get(f"/one-on-one-meetings/{world.held.pk}").json()
    assert ava["private_note"] == PRIVATE_AVA
    assert PRIVATE_SAM not in str(ava)


@pytest.mark.parametrize("who", ["hana", "cora", "pia", "otto"])
def test_everyone_else_is_told_it_does_not_exist(as_person, world, who):
    api = as_person(who)
    for path in (
        f"/one-on-one-meetings/{world.held.pk}",
        f"/one-on-one-meetings/{world.next.pk}",
        f"/one-on-ones/{world.series.pk}",
    ):
        response = api.get(path)
        assert response.status_code == 404
        assert not any(secret in response.content.decode() for secret in SECRETS)
    listed = api.get("/one-on-ones")
    assert listed.status_code == 200 and listed.json() == []
    added = api.post(f"/one-on-one-meetings/{world.next.pk}/agenda", {"text": "Sneaky"})
    assert added.status_code == 404
    assert not AgendaItem.objects.filter(text="Sneaky").exists()


def test_set_up_and_list_a_series(as_person, cast):
    response = as_person("pia").post(
        "/one-on-ones",
        {"person": cast.sam.pk, "cadence": "monthly", "weekday": 4, "time": "14:30"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["manager"]["id"], body["report"]["id"]) == (cast.sam.pk, cast.pia.pk)
    assert body["rule"] == "Monthly on Friday at 14:30" and body["running"]
    assert body["next_meeting"]["id"] == body["meetings"][0]["id"]
    listed = as_person("sam").get("/one-on-ones").json()
    assert [s["report"]["name"] for s in listed] == ["Pia Park"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"cadence": "daily", "weekday": 1, "time": "10:00"}, "cadence"),
        ({"cadence": "weekly", "weekday": 9, "time": "10:00"}, "weekday"),
        ({"cadence": "weekly", "weekday": 1, "time": "ten"}, "time"),
    ],
)
def test_bad_input_names_its_field_and_changes_nothing(as_person, cast, payload, field):
    response = as_person("sam").post("/one-on-ones", {"person": cast.ava.pk, **payload})
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Meeting.objects.exists()


def test_someone_not_a_manager_or_report_is_refused_by_name(as_person, cast):
    response = as_person("ava").post(
        "/one-on-ones", {"person": cast.pia.pk, "cadence": "weekly", "weekday": 1, "time": "10:00"}
    )
    assert response.status_code == 422
    assert "person" in response.json()["errors"]


def test_notes_saved_over_the_other_sides_save_answer_409_with_the_current_text(as_person, world):
    path = f"/one-on-one-meetings/{world.held.pk}/notes"
    first = as_person("sam").put(path, {"text": "Sam's text", "version": 1})
    assert first.status_code == 200 and first.json()["notes_version"] == 2
    late = as_person("ava").put(path, {"text": "Ava's text", "version": 1})
    assert late.status_code == 409
    assert late.json()["current"]["shared_notes"] == "Sam's text"
    assert "text" in late.json()["errors"]


def test_agenda_and_action_items_through_the_api(as_person, world, cast):
    ava = as_person("ava")
    added = ava.post(f"/one-on-one-meetings/{world.next.pk}/agenda", {"text": "Budget"})
    assert added.status_code == 201
    item = added.json()["id"]
    moved = as_person("sam").patch(f"/one-on-one-agenda-items/{item}", {"move": "up"})
    assert moved.status_code == 200 and moved.json()["position"] == 1
    ticked = as_person("sam").patch(f"/one-on-one-agenda-items/{item}", {"done": True})
    assert ticked.json()["done"] is True
    refused = as_person("sam").delete(f"/one-on-one-agenda-items/{item}")
    assert refused.status_code == 403
    action = ava.post(
        f"/one-on-one-meetings/{world.next.pk}/action-items",
        {"text": "Draft the plan", "owner": cast.sam.pk, "due": "2026-12-24"},
    )
    assert action.status_code == 201 and action.json()["owner"]["name"] == "Sam Sato"
    done = as_person("sam").patch(f"/one-on-one-action-items/{action.json()['id']}", {"done": True})
    assert done.json()["done"] is True
    stranger = ava.post(
        f"/one-on-one-meetings/{world.next.pk}/action-items",
        {"text": "Draft the plan", "owner": cast.cora.pk},
    )
    assert stranger.status_code == 422 and "owner" in stranger.json()["errors"]


def test_move_and_skip_a_meeting(as_person, world):
    when = timezone.localtime(world.next.starts_at + dt.timedelta(days=1))
    moved = as_person("ava").patch(
        f"/one-on-one-meetings/{world.next.pk}", {"starts_at": when.isoformat()}
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["starts_at"] == when.isoformat()
    past = as_person("ava").patch(
        f"/one-on-one-meetings/{world.next.pk}", {"starts_at": "2020-01-01T10:00"}
    )
    assert past.status_code == 422 and "starts_at" in past.json()["errors"]
    skipped = as_person("sam").patch(f"/one-on-one-meetings/{world.next.pk}", {"skipped": True})
    assert skipped.json()["skipped"] is True


def test_reading_a_meeting_runs_a_fixed_number_of_queries(as_person, world, cast):
    api = as_person("sam")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(f"/one-on-one-meetings/{world.next.pk}").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(4):
        objective = goal_actions.create_objective(
            acting_user=cast.ava,
            title=f"Objective {i}",
            level="individual",
            cycle=cast.q4,
            owner_person=cast.ava,
        )
        kr = goal_actions.create_key_result(
            acting_user=cast.ava,
            objective=objective,
            title=f"Key result {i}",
            kind="increase",
            start_value=0,
            target_value=10,
            owner=cast.ava,
        )
        with time_machine.travel(world.held.starts_at + dt.timedelta(days=1), tick=False):
            goal_actions.record_check_in(
                acting_user=cast.ava, key_result=kr, value=i, confidence="at_risk", blockers="Wait"
            )
        goal_actions.record_check_in(
            acting_user=cast.ava, key_result=kr, value=i + 1, confidence="on_track"
        )
        actions.add_agenda_item(acting_user=cast.ava, meeting=world.next, text=f"Topic {i}")
        actions.add_action_item(
            acting_user=cast.sam, meeting=world.next, text=f"Do {i}", owner_id=cast.ava.pk
        )
    after = count()
    # The token and its person (2), the meeting, the previous and the next (3), the agenda,
    # the action items, my private note, the notes' versions (4), and "since last time":
    # objectives, key results, check-ins, blockers (4).
    assert after == before == 13


def test_sharing_the_notes_into_the_review(as_person, world, cast):
    from ..reviews import open_review_cycle

    path = f"/one-on-one-meetings/{world.held.pk}/share-into-review"
    none_yet = as_person("sam").post(path)
    assert none_yet.status_code == 422 and "review" in none_yet.json()["errors"]
    open_review_cycle(cast)
    assert as_person("hana").post(path).status_code == 404
    shared = as_person("sam").post(path)
    assert shared.status_code == 201, shared.content
    review = as_person("hana").get(f"/reviews/{shared.json()['review']}")
    assert review.status_code == 200
    (note,) = review.json()["one_on_one_notes"]
    assert note["text"] == SHARED_NOTES and note["shared_by_name"] == "Sam Sato"
