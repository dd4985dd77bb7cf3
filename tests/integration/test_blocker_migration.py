"""Upgrading to blockers of their own: each check-in's free-text blockers become a blocker
row with the same text, check-in, author and date; going back puts the text back."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.integration.migrating import back_to_the_latest, migrate_to

BEFORE = [("goals", "0005_link_state")]
AFTER = [("goals", "0008_remove_checkin_blockers")]


@pytest.mark.django_db(transaction=True)
def test_free_text_blockers_become_rows_and_come_back_on_the_way_down():
    with back_to_the_latest():
        _blockers_become_rows_and_come_back()


def _blockers_become_rows_and_come_back() -> None:
    old = migrate_to(BEFORE)
    person = old.get_model("people", "Person").objects.create(username="maker")
    cycle_model = old.get_model("goals", "Cycle")
    objective_model = old.get_model("goals", "Objective")
    kr_model = old.get_model("goals", "KeyResult")
    check_in_model = old.get_model("goals", "CheckIn")
    made = dt.datetime(2026, 10, 2, 9, tzinfo=dt.UTC)
    rows = {}
    for name, state in (("Q3", "closed"), ("Q4", "active")):
        cycle = cycle_model.objects.create(
            name=name,
            kind="quarter",
            start_date=dt.date(2026, 7 if name == "Q3" else 10, 1),
            end_date=dt.date(2026, 9 if name == "Q3" else 12, 30),
            state=state,
            closed_at=made if state == "closed" else None,
        )
        objective = objective_model.objects.create(
            title=f"{name} objective", level="individual", owner_person=person, cycle=cycle
        )
        kr = kr_model.objects.create(
            objective=objective,
            cycle=cycle,
            title=f"{name} KR",
            owner=person,
            kind="increase",
            start_value=0,
            target_value=10,
        )
        for text in (f"{name}: waiting on legal", ""):
            ci = check_in_model.objects.create(
                key_result=kr,
                confidence="at_risk",
                blockers=text,
                author=person,
                recorded_at=made,
                progress=0.1,
            )
            rows[ci.pk] = text

    new = migrate_to(AFTER)
    blockers = list(new.get_model("goals", "Blocker").objects.order_by("text"))
    assert [(b.text, b.state, b.raised_by_id, b.raised_at) for b in blockers] == [
        ("Q3: waiting on legal", "resolved", person.pk, made),
        ("Q4: waiting on legal", "open", person.pk, made),
    ]
    assert {b.check_in_id for b in blockers} == {pk for pk, text in rows.items() if text}
    assert new.get_model("goals", "BlockerEvent").objects.count() == 3

    back = migrate_to(BEFORE)
    texts = dict(back.get_model("goals", "CheckIn").objects.values_list("pk", "blockers"))
    assert texts == rows
