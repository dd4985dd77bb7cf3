"""Upgrading to proposals: every alignment link made before them stays accepted and keeps
counting from when it was made."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.integration.migrating import back_to_the_latest, migrate_to

BEFORE = [("goals", "0004_cadence_grades_retrospectives")]
AFTER = [("goals", "0005_link_state")]


@pytest.mark.django_db(transaction=True)
def test_existing_links_stay_accepted_from_when_they_were_made():
    with back_to_the_latest():
        _links_stay_accepted()


def _links_stay_accepted() -> None:
    old = migrate_to(BEFORE)
    person_model = old.get_model("people", "Person")
    cycle_model = old.get_model("goals", "Cycle")
    objective_model = old.get_model("goals", "Objective")
    link_model = old.get_model("goals", "AlignmentLink")
    maker = person_model.objects.create(username="maker")
    cycle = cycle_model.objects.create(
        name="Q4", kind="quarter", start_date=dt.date(2026, 10, 1), end_date=dt.date(2026, 12, 31)
    )
    parent, child = (
        objective_model.objects.create(title=t, level="team", owner_person=maker, cycle=cycle)
        for t in ("Parent", "Child")
    )
    made = dt.datetime(2026, 10, 2, 9, tzinfo=dt.UTC)
    link_model.objects.create(
        child=child, parent_objective=parent, target=parent, created_at=made, created_by=maker
    )

    new = migrate_to(AFTER)
    link = new.get_model("goals", "AlignmentLink").objects.get()
    assert (link.state, link.decided_at, link.decided_by_id) == ("accepted", made, maker.pk)
