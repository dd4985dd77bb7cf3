"""Incremental reads: ``updated_since`` and ``next_cursor`` on the OKR lists, and the
tombstones of what ended, under the same access policy as everything else."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from lineofsight.core.models import Tombstone
from lineofsight.goals import actions
from lineofsight.goals.models import AlignmentLink, CheckIn, Cycle, Initiative, KeyResult, Objective
from lineofsight.people import actions as people_actions
from lineofsight.people.models import Person, Team

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db

EPOCH = "1970-01-01T00:00:00Z"


def read_all(api, path, cursor=EPOCH, limit=2, **params):
    """Follow next_cursor while has_more: every item read and the cursor to poll with."""
    items, pages = [], 0
    while True:
        response = api.get(path, updated_since=cursor, limit=limit, **params)
        assert response.status_code == 200, response.content
        body = response.json()
        items += body["items"]
        cursor = body["next_cursor"]
        pages += 1
        assert pages < 100
        if not body["has_more"]:
            return items, cursor


def later(minutes=2):
    """Step past the settling window, as a poller does between reads."""
    return time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes), tick=True)


def private_objective(cast):
    objective = actions.create_objective(
        acting_user=cast.ava,
        title="Private stretch about a secret merger",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    kr = actions.create_key_result(
        acting_user=cast.ava,
        objective=objective,
        title="Secret merger term sheet signed",
        kind="milestone",
        owner=cast.ava,
    )
    return objective, kr


def test_pages_across_ties_deliver_every_row_once_in_order(cast, as_person):
    c = build_cascade(cast)
    tied = timezone.now() - dt.timedelta(days=1)
    Objective.objects.update(updated_at=tied)  # every objective changed in one microsecond
    hana = as_person("hana")
    items, _ = read_all(hana, "/objectives", limit=2)
    ids = [item["id"] for item in items]
    assert ids == sorted(Objective.objects.values_list("pk", flat=True))
    assert {c.company.pk, c.sales.pk, c.ava_obj.pk, c.platform.pk} <= set(ids)
    first = hana.get("/objectives", updated_since=EPOCH, limit=2).json()
    assert first["has_more"] is True and first["count"] == len(ids)
    assert first["next_cursor"].startswith("c1.")


def test_rows_changed_between_reads_come_in_the_next_read(cast, as_person):
    c = build_cascade(cast)
    sam = as_person("sam")
    before, cursor = read_all(sam, "/key-results", limit=3)
    assert c.ava_opps.pk in {item["id"] for item in before}
    with later():
        # The first poll reads the settling window again (at least once), then none.
        again, cursor = read_all(sam, "/key-results", cursor=cursor)
        assert {item["id"] for item in again} <= {item["id"] for item in before}
        quiet, cursor = read_all(sam, "/key-results", cursor=cursor)
        assert quiet == []  # nothing changed: a quiet poll reads nothing
        actions.record_check_in(
            acting_user=cast.ava, key_result=c.ava_opps, value=5, confidence="on_track"
        )
        with later():
            changed, cursor = read_all(sam, "/key-results", cursor=cursor)
            by_id = {item["id"]: item for item in changed}
            assert c.ava_opps.pk in by_id
            assert by_id[c.ava_opps.pk]["current_value"] == 5
            assert by_id[c.ava_opps.pk]["updated_at"] is not None
            # The roll-up changed Ava's objective, and so Sales, which her objective
            # contributes to: both come in the objectives' next read.
            objectives, _ = read_all(sam, "/objectives", limit=50)
            assert {c.ava_obj.pk, c.sales.pk} <= {item["id"] for item in objectives}
            check_ins, _ = read_all(sam, "/check-ins")
            assert [item["value"] for item in check_ins] == [5]


def test_the_last_page_never_hands_back_a_point_inside_the_settling_window(cast, as_person):
    c = build_cascade(cast)
    sam = as_person("sam")
    _, cursor = read_all(sam, "/key-results", limit=50)
    # Within the window the same rows come again (at least once), none is lost.
    again, _ = read_all(sam, "/key-results", cursor=cursor, limit=50)
    assert c.ava_opps.pk in {item["id"] for item in again}


def test_every_okr_list_reads_changes(cast, as_person):
    c = build_cascade(cast)
    initiative = actions.create_initiative(
        acting_user=cast.ava, key_result=c.ava_opps, title="Outbound sprint", owner=cast.ava
    )
    actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_opps, value=3, confidence="on_track"
    )
    hana = as_person("hana")
    expected = {
        "/objectives": set(Objective.objects.values_list("pk", flat=True)),
        "/key-results": set(KeyResult.objects.values_list("pk", flat=True)),
        "/check-ins": set(CheckIn.objects.values_list("pk", flat=True)),
        "/alignment-links": set(
            AlignmentLink.objects.filter(ended_at__isnull=True).values_list("pk", flat=True)
        ),
        "/initiatives": {initiative.pk},
        "/cycles": set(Cycle.objects.values_list("pk", flat=True)),
    }
    for path, wanted in expected.items():
        items, cursor = read_all(hana, path, limit=2)
        assert {item["id"] for item in items} == wanted, path
        assert all(item["updated_at"] for item in items), path
        assert cursor


def test_bad_cursors_are_refused_naming_the_field(cast, as_person):
    build_cascade(cast)
    sam = as_person("sam")
    for bad in ["yesterday", "c1.!!!", "c1.bm90LWEtY3Vyc29y", "2026-11-01T00:00:00"]:
        response = sam.get("/objectives", updated_since=bad)
        assert response.status_code == 422, bad
        assert "updated_since" in response.json()["errors"], bad
    response = sam.get("/objectives", updated_since=EPOCH, offset=10)
    assert response.status_code == 422
    assert "offset" in response.json()["errors"]
    response = sam.get("/key-results", updated_since=EPOCH, owner=cast.ava.pk, pace_status="stale")
    assert response.status_code == 422
    assert "updated_since" in response.json()["errors"]


def test_an_instant_reads_what_changed_after_it(cast, as_person):
    c = build_cascade(cast)
    old = timezone.now() - dt.timedelta(days=3)
    Objective.objects.update(updated_at=old)
    Objective.objects.filter(pk=c.sales.pk).update(updated_at=timezone.now())
    since = (old + dt.timedelta(seconds=1)).isoformat()
    items, _ = read_all(as_person("hana"), "/objectives", cursor=since)
    assert [item["id"] for item in items] == [c.sales.pk]


def test_without_updated_since_lists_page_as_before(cast, as_person):
    build_cascade(cast)
    body = as_person("sam").get("/objectives", limit=2).json()
    assert body["next_cursor"] is None and body["has_more"] is False
    assert body["offset"] == 0 and len(body["items"]) == 2


def test_tombstones_of_endings_and_deletions(cast, as_person):
    c = build_cascade(cast)
    link = AlignmentLink.objects.get(child=c.ava_obj, ended_at__isnull=True)
    actions.end_alignment(acting_user=cast.ava, link=link, reason="Moved to another goal")
    actions.abandon_key_result(acting_user=cast.ava, key_result=c.ava_legal, reason="Dropped")
    actions.abandon_objective(acting_user=cast.eli, objective=c.platform, reason="Deprioritised")
    people_actions.deactivate_person(acting_user=cast.hana, person=cast.otto)
    stray = people_actions.create_person(
        acting_user=cast.hana, username="stray", display_name="Added by mistake"
    )
    people_actions.delete_person(acting_user=cast.hana, person=stray)
    items, cursor = read_all(as_person("sam"), "/tombstones", limit=2)
    seen = {(t["kind"], t["object_id"], t["event"]) for t in items}
    assert seen == {
        ("alignment_link", link.pk, "ended"),
        ("key_result", c.ava_legal.pk, "abandoned"),
        ("objective", c.platform.pk, "abandoned"),
        ("person", cast.otto.pk, "deactivated"),
        ("person", stray.pk, "deleted"),
    }
    by_kind = {t["kind"]: t for t in items}
    assert by_kind["key_result"]["objective"] == c.ava_obj.pk
    assert by_kind["alignment_link"]["objective"] == c.ava_obj.pk
    assert set(by_kind["objective"]) == {"id", "kind", "object_id", "event", "objective", "at"}
    # The abandoned key result is still in its list, marked so.
    kr = as_person("sam").get(f"/key-results/{c.ava_legal.pk}").json()
    assert kr["state"] == "abandoned"
    with later():
        again, cursor = read_all(as_person("sam"), "/tombstones", cursor=cursor)
        assert {t["id"] for t in again} == {t["id"] for t in items}  # the window, again
        quiet, _ = read_all(as_person("sam"), "/tombstones", cursor=cursor)
        assert quiet == []
    only = as_person("sam").get("/tombstones", kind="person").json()["items"]
    assert {t["object_id"] for t in only} == {cast.otto.pk, stray.pk}


def test_a_private_objective_never_reaches_those_who_may_not_see_it(cast, as_person):
    build_cascade(cast)
    objective, kr = private_objective(cast)
    actions.abandon_key_result(acting_user=cast.ava, key_result=kr, reason="Not needed")
    actions.abandon_objective(acting_user=cast.ava, objective=objective, reason="Called off")
    assert Tombstone.objects.filter(objective_id=objective.pk).count() == 2
    for who in ("ava", "sam", "cora", "hana", "pia", "eli", "dev", "otto"):
        api = as_person(who)
        texts = []
        for path in ("/objectives", "/key-results", "/tombstones"):
            items, _ = read_all(api, path, limit=3)
            texts.append(str(items))
            ids = {
                (t.get("kind"), t.get("object_id")) if path == "/tombstones" else t["id"]
                for t in items
            }
            if path == "/objectives":
                visible = objective.pk in ids
            elif path == "/key-results":
                visible = kr.pk in ids
            else:
                visible = ("objective", objective.pk) in ids
            assert visible is (who in {"ava", "sam", "cora", "hana"}), (who, path)
        if who not in {"ava", "sam", "cora", "hana"}:
            assert "secret merger" not in " ".join(texts).lower(), who


def test_initiative_changes_and_updated_at_kept_by_every_write(cast, as_person):
    c = build_cascade(cast)
    initiative = actions.create_initiative(
        acting_user=cast.ava, key_result=c.ava_opps, title="Outbound sprint", owner=cast.ava
    )
    first = Initiative.objects.get(pk=initiative.pk).updated_at
    with later():
        actions.update_initiative(acting_user=cast.ava, initiative=initiative, state="done")
        assert Initiative.objects.get(pk=initiative.pk).updated_at > first
        link = AlignmentLink.objects.get(child=c.ava_obj, ended_at__isnull=True)
        before = link.updated_at
        actions.end_alignment(acting_user=cast.ava, link=link, reason="Moved")
        assert AlignmentLink.objects.get(pk=link.pk).updated_at > before
        kr_before = KeyResult.objects.get(pk=c.ava_legal.pk).updated_at
        actions.abandon_key_result(acting_user=cast.ava, key_result=c.ava_legal, reason="Gone")
        assert KeyResult.objects.get(pk=c.ava_legal.pk).updated_at > kr_before


def test_people_and_teams_read_their_changes(cast, as_person):
    sam = as_person("sam")
    people, people_cursor = read_all(sam, "/people", limit=3)
    assert {p["id"] for p in people} == set(
        Person.objects.filter(is_active=True).values_list("pk", flat=True)
    )
    assert all(p["updated_at"] for p in people)
    teams, teams_cursor = read_all(sam, "/teams", limit=3)
    assert {t["id"] for t in teams} == set(Team.objects.values_list("pk", flat=True))
    with later():
        _, people_cursor = read_all(sam, "/people", cursor=people_cursor)  # the window again
        _, teams_cursor = read_all(sam, "/teams", cursor=teams_cursor)
        assert read_all(sam, "/people", cursor=people_cursor)[0] == []
        assert read_all(sam, "/teams", cursor=teams_cursor)[0] == []
        # Pia gets a new title; Otto moves under Pia, who so becomes a manager.
        people_actions.update_person(acting_user=cast.hana, person=cast.pia, job_title="Lead AE")
        old_manager = cast.otto.manager_id
        people_actions.set_manager(acting_user=cast.hana, person=cast.otto, manager=cast.pia)
        people_actions.update_team(acting_user=cast.hana, team=cast.legal, name="Legal & Policy")
        with later():
            changed, _ = read_all(sam, "/people", cursor=people_cursor)
            by_id = {p["id"]: p for p in changed}
            assert set(by_id) == {cast.pia.pk, cast.otto.pk, old_manager}
            assert by_id[cast.pia.pk]["job_title"] == "Lead AE"
            assert "manager" in by_id[cast.pia.pk]["roles"]
            assert by_id[cast.otto.pk]["manager"] == cast.pia.pk
            renamed, _ = read_all(sam, "/teams", cursor=teams_cursor)
            assert [(t["id"], t["name"]) for t in renamed] == [(cast.legal.pk, "Legal & Policy")]
