"""Named write actions: validation, permissions, closed cycles, revisions, roll-up."""

from __future__ import annotations

import datetime as dt

import pytest

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions, rollup
from lineofsight.goals.models import (
    CheckIn,
    KeyResult,
    KeyResultRevision,
    Objective,
    ObjectiveRevision,
)

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def counts():
    return (
        Objective.objects.count(),
        KeyResult.objects.count(),
        CheckIn.objects.count(),
        AuditEvent.objects.count(),
    )


# -- cycles ------------------------------------------------------------------------------


def test_cycle_rules(cast):
    with pytest.raises(InvalidInput) as exc:
        actions.create_cycle(
            acting_user=cast.hana,
            name="Q1 2027",
            kind="quarter",
            start_date=dt.date(2027, 1, 1),
            end_date=dt.date(2027, 3, 31),
            parent=cast.fy,
        )
    assert "start_date" in exc.value.errors  # outside FY 2026
    with pytest.raises(InvalidInput) as exc:
        actions.create_cycle(
            acting_user=cast.hana,
            name="Bad",
            kind="quarter",
            start_date=dt.date(2026, 3, 1),
            end_date=dt.date(2026, 2, 1),
            parent=cast.fy,
        )
    assert "end_date" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        actions.create_cycle(
            acting_user=cast.hana,
            name="Overlap",
            kind="quarter",
            start_date=dt.date(2026, 9, 1),
            end_date=dt.date(2026, 11, 30),
            parent=cast.fy,
        )
    assert "overlaps" in exc.value.errors["start_date"][0]
    with pytest.raises(InvalidInput) as exc:
        actions.create_cycle(
            acting_user=cast.hana,
            name="Orphan",
            kind="quarter",
            start_date=dt.date(2026, 1, 1),
            end_date=dt.date(2026, 3, 31),
        )
    assert "parent" in exc.value.errors
    with pytest.raises(NotAllowed):
        actions.create_cycle(
            acting_user=cast.sam,
            name="Q1 2026",
            kind="quarter",
            start_date=dt.date(2026, 1, 1),
            end_date=dt.date(2026, 3, 31),
            parent=cast.fy,
        )
    q1 = actions.create_cycle(
        acting_user=cast.hana,
        name="Q1 2026",
        kind="quarter",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 3, 31),
        parent=cast.fy,
    )
    assert q1.state == "planning"
    actions.set_cycle_state(acting_user=cast.hana, cycle=q1, state="active")
    actions.set_cycle_state(acting_user=cast.hana, cycle=q1, state="closed")
    assert fresh(q1).closed_at is not None
    with pytest.raises(InvalidInput) as exc:
        actions.set_cycle_state(acting_user=cast.hana, cycle=fresh(q1), state="active")
    assert "state" in exc.value.errors


def test_cycle_bounds_use_the_time_zone(cast):
    start, end = cast.q4.bounds("Europe/Berlin")
    assert start.isoformat() == "2026-10-01T00:00:00+02:00"
    assert end.isoformat() == "2027-01-01T00:00:00+01:00"


# -- objectives ----------------------------------------------------------------------------


def test_objective_validation_names_fields_and_saves_nothing(cast):
    before = counts()
    with pytest.raises(InvalidInput) as exc:
        actions.create_objective(
            acting_user=cast.ava,
            title="  ",
            level="individual",
            cycle=cast.q4,
            owner_person=cast.ava,
            owner_team=cast.enterprise,
            visibility="secret",
        )
    assert {"title", "owner", "visibility"} <= set(exc.value.errors)
    with pytest.raises(InvalidInput) as exc:
        actions.create_objective(
            acting_user=cast.sam,
            title="Team-owned individual",
            level="individual",
            cycle=cast.q4,
            owner_team=cast.enterprise,
        )
    assert "owner" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        actions.create_objective(
            acting_user=cast.ava,
            title="x" * 301,
            level="individual",
            cycle=cast.q4,
            owner_person=cast.ava,
        )
    assert "title" in exc.value.errors
    assert counts() == before


def test_who_may_create_objectives(cast):
    with pytest.raises(InvalidInput) as refused:  # not an executive: the level is refused
        actions.create_objective(
            acting_user=cast.sam,
            title="Company",
            level="company",
            cycle=cast.fy,
            owner_team=cast.acme,
        )
    assert refused.value.errors["level"] == [
        "Company objectives are set by executives and HR. Choose team or individual."
    ]
    with pytest.raises(NotAllowed):  # not Pia's manager
        actions.create_objective(
            acting_user=cast.ava,
            title="For Pia",
            level="individual",
            cycle=cast.q4,
            owner_person=cast.pia,
        )
    made = actions.create_objective(
        acting_user=cast.sam,
        title="For Pia",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.pia,
    )
    assert made.owner_person == cast.pia


def test_closed_cycle_is_frozen_but_hr_may_amend_with_a_reason(cast):
    with pytest.raises(NotAllowed):
        actions.create_objective(
            acting_user=cast.ava,
            title="Late",
            level="individual",
            cycle=cast.q3,
            owner_person=cast.ava,
        )
    with pytest.raises(InvalidInput) as exc:
        actions.create_objective(
            acting_user=cast.hana,
            title="Late",
            level="individual",
            cycle=cast.q3,
            owner_person=cast.ava,
        )
    assert "amendment_reason" in exc.value.errors
    objective = actions.create_objective(
        acting_user=cast.hana,
        title="Late",
        level="individual",
        cycle=cast.q3,
        owner_person=cast.ava,
        amendment_reason="Missed during planning",
    )
    event = AuditEvent.objects.get(action="objective.create", subject_id=objective.pk)
    assert event.amendment_reason == "Missed during planning"
    kr = actions.create_key_result(
        acting_user=cast.hana,
        objective=objective,
        title="Calls",
        kind="increase",
        start_value=0,
        target_value=10,
        owner=cast.ava,
        amendment_reason="Same",
    )
    with pytest.raises(NotAllowed):
        actions.record_check_in(acting_user=cast.ava, key_result=kr, value=5, confidence="on_track")
    ci = actions.record_check_in(
        acting_user=cast.hana,
        key_result=kr,
        value=5,
        confidence="on_track",
        amendment_reason="Final number from the CRM",
    )
    assert ci.amendment_reason == "Final number from the CRM"


def test_update_objective_keeps_revisions_and_abandoning_needs_a_reason(cast):
    c = build_cascade(cast)
    actions.update_objective(
        acting_user=cast.ava,
        objective=c.ava_obj,
        title="Build and close pipeline",
        reason="Sharper wording",
    )
    revs = list(ObjectiveRevision.objects.filter(objective=c.ava_obj).order_by("number"))
    assert [r.title for r in revs] == [
        "Build and close enterprise pipeline for the team quota",
        "Build and close pipeline",
    ]
    assert revs[1].reason == "Sharper wording"
    with pytest.raises(InvalidInput) as exc:
        actions.update_objective(acting_user=cast.ava, objective=c.ava_obj, state="abandoned")
    assert "reason" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        actions.update_objective(acting_user=cast.ava, objective=c.ava_obj, level="team")
    assert "level" in exc.value.errors
    with pytest.raises(NotAllowed):
        actions.update_objective(acting_user=cast.pia, objective=c.ava_obj, title="Mine now")


def test_abandoned_child_stops_counting(cast):
    c = build_cascade(cast)
    actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_closes, value=6, confidence="on_track"
    )
    assert fresh(c.sales).progress == pytest.approx((0 + 1 / 3) / 2)
    actions.update_objective(
        acting_user=cast.sam, objective=c.ava_obj, state="abandoned", reason="Moved to SMB"
    )
    assert fresh(c.sales).progress == 0.0
    assert rollup.verify()[0] == []


# -- key results ---------------------------------------------------------------------------


def test_key_result_validation(cast):
    c = build_cascade(cast)
    before = counts()
    bad = [
        ({"kind": "increase", "start_value": 10, "target_value": 5}, "target_value"),
        ({"kind": "decrease", "start_value": 5, "target_value": 10}, "target_value"),
        ({"kind": "increase", "start_value": None, "target_value": 5}, "start_value"),
        ({"kind": "increase", "start_value": 0, "target_value": "lots"}, "target_value"),
        ({"kind": "increase", "start_value": 0, "target_value": float("nan")}, "target_value"),
        ({"kind": "stay_above", "target_value": None}, "target_value"),
        ({"kind": "guess", "start_value": 0, "target_value": 1}, "kind"),
        ({"kind": "milestone", "weight": 0}, "weight"),
        ({"kind": "milestone", "weight": -2}, "weight"),
        ({"kind": "milestone", "signal": "sideways"}, "signal"),
        ({"kind": "milestone", "cycle": "q3"}, "cycle"),
        ({"kind": "milestone", "title": ""}, "title"),
    ]
    for fields, field in bad:
        fields = dict(fields)
        if fields.get("cycle") == "q3":
            fields["cycle"] = cast.q3
        fields.setdefault("title", "A key result")
        with pytest.raises(InvalidInput) as exc:
            actions.create_key_result(
                acting_user=cast.ava, objective=c.ava_obj, owner=cast.ava, **fields
            )
        assert field in exc.value.errors, (fields, exc.value.errors)
    assert counts() == before


def test_changing_a_target_after_check_ins_keeps_a_revision_with_its_reason(cast):
    c = build_cascade(cast)
    actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_opps, value=20, confidence="on_track"
    )
    assert fresh(c.ava_opps).progress == pytest.approx(0.8)
    with pytest.raises(InvalidInput) as exc:
        actions.update_key_result(acting_user=cast.ava, key_result=c.ava_opps, target_value=40)
    assert "reason" in exc.value.errors
    actions.update_key_result(
        acting_user=cast.sam, key_result=c.ava_opps, target_value=40, reason="Territory doubled"
    )
    kr = fresh(c.ava_opps)
    assert kr.progress == pytest.approx(0.5)
    revs = list(KeyResultRevision.objects.filter(key_result=kr).order_by("number"))
    assert [(r.target_value, r.reason) for r in revs] == [
        (25.0, "Created"),
        (40.0, "Territory doubled"),
    ]
    # The check-in itself is untouched: it recorded 80 % under the target then in force.
    assert CheckIn.objects.get(key_result=kr).progress == pytest.approx(0.8)
    assert fresh(c.ava_obj).progress == pytest.approx(0.5 / 3)
    assert rollup.verify()[0] == []


def test_key_result_source_switches_are_guarded(cast):
    c = build_cascade(cast)
    with pytest.raises(InvalidInput) as exc:
        actions.update_key_result(acting_user=cast.cora, key_result=c.verticals, source="check_ins")
    assert "source" in exc.value.errors
    actions.record_check_in(
        acting_user=cast.sam, key_result=c.logos, value=3, confidence="on_track"
    )
    with pytest.raises(InvalidInput) as exc:
        actions.update_key_result(acting_user=cast.cora, key_result=c.logos, source="aligned")
    assert "source" in exc.value.errors


# -- check-ins -------------------------------------------------------------------------------


def test_check_in_validation_and_permissions(cast):
    c = build_cascade(cast)
    before = counts()
    cases = [
        (c.ava_opps, {"value": None, "confidence": "on_track"}, "value"),
        (c.ava_opps, {"value": "many", "confidence": "on_track"}, "value"),
        (c.ava_opps, {"value": float("inf"), "confidence": "on_track"}, "value"),
        (c.ava_opps, {"value": 3, "confidence": "meh"}, "confidence"),
        (c.ava_opps, {"value": 3, "confidence": "on_track", "note": "x" * 10_001}, "note"),
    ]
    for kr, fields, field in cases:
        with pytest.raises(InvalidInput) as exc:
            actions.record_check_in(acting_user=cast.ava, key_result=kr, **fields)
        assert field in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        actions.record_check_in(
            acting_user=cast.eli, key_result=c.verticals, value=1, confidence="on_track"
        )
    assert "key_result" in exc.value.errors
    milestone = KeyResult.objects.get(objective=c.platform)
    with pytest.raises(InvalidInput) as exc:
        actions.record_check_in(acting_user=cast.dev, key_result=milestone, confidence="at_risk")
    assert "done" in exc.value.errors
    with pytest.raises(NotAllowed):
        actions.record_check_in(
            acting_user=cast.pia, key_result=c.ava_opps, value=1, confidence="on_track"
        )
    assert counts() == before
    # The owner's manager may check in for them.
    actions.record_check_in(
        acting_user=cast.sam, key_result=c.ava_opps, value=1, confidence="on_track"
    )


def test_check_in_rolls_up_every_contributing_ancestor(cast, django_assert_max_num_queries):
    c = build_cascade(cast)
    milestone = KeyResult.objects.get(objective=c.platform)
    # Milestone -> Platform objective -> aligned company KR -> company objective.
    with django_assert_max_num_queries(40):
        actions.record_check_in(
            acting_user=cast.dev,
            key_result=milestone,
            done=True,
            confidence="on_track",
            note="GA shipped",
        )
    assert fresh(c.platform).progress == 1.0
    assert fresh(c.verticals).progress == 1.0
    assert fresh(c.company).progress == pytest.approx(0.5)  # logos 0, verticals 1
    assert fresh(milestone).confidence == "on_track"
    assert rollup.verify()[0] == []


def test_check_ins_are_append_only(cast):
    c = build_cascade(cast)
    first = actions.record_check_in(
        acting_user=cast.ava,
        key_result=c.ava_opps,
        value=5,
        confidence="at_risk",
        blockers="Legal backlog",
    )
    actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_opps, value=9, confidence="on_track"
    )
    rows = list(CheckIn.objects.filter(key_result=c.ava_opps).order_by("recorded_at"))
    assert [r.value for r in rows] == [5, 9]
    assert rows[0].pk == first.pk
    assert [b.text for b in rows[0].raised_blockers.all()] == ["Legal backlog"]
    kr = fresh(c.ava_opps)
    assert (kr.current_value, kr.confidence) == (9, "on_track")


# -- verify and rebuild ------------------------------------------------------------------------


def test_verify_reports_tampering_and_rebuild_repairs_it(cast):
    c = build_cascade(cast)
    actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_opps, value=10, confidence="on_track"
    )
    Objective.objects.filter(pk=c.sales.pk).update(progress=0.99)
    KeyResult.objects.filter(pk=c.ava_opps.pk).update(progress=0.01)
    diffs, checked = rollup.verify()
    assert {(d.kind, d.pk) for d in diffs} == {
        ("objective", c.sales.pk),
        ("key_result", c.ava_opps.pk),
    }
    assert checked == Objective.objects.count() + KeyResult.objects.count()
    written = rollup.rebuild()
    assert written == 2
    assert rollup.verify()[0] == []
