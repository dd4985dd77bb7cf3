"""Where a key result stands, in words that agree with its percent: on My OKRs, the check-in
screen and the close-out page. Not "95 days of 90 days" on a decrease, "85% of 80%" on a
threshold, or "8 of 10" beside "0 %" on a key result carried over from 8."""

from __future__ import annotations

import re

import pytest

from lineofsight.goals import actions
from lineofsight.goals.models import KeyResult

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def row(page: str, kr: KeyResult, element: str) -> str:
    start = page.index(f'id="{element}-{kr.pk}"')
    return page[start : page.index("</li>" if element == "kr" else "checkin-save", start)]


@pytest.fixture
def krs(cast):
    objective = actions.create_objective(
        acting_user=cast.ava,
        title="Faster, steadier deals",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
    )

    def kr(title: str, kind: str, start, target, unit: str, value: float) -> KeyResult:
        made = actions.create_key_result(
            acting_user=cast.ava,
            objective=objective,
            title=title,
            kind=kind,
            start_value=start,
            target_value=target,
            unit=unit,
            owner=cast.ava,
        )
        actions.record_check_in(
            acting_user=cast.ava, key_result=made, value=value, confidence="on_track"
        )
        return KeyResult.objects.get(pk=made.pk)

    return (
        kr("Deal cycle under 90 days", "decrease", 120, 90, "days", 95),
        kr("Win rate stays above 80%", "stay_above", None, 80, "%", 85),
        kr("25 opportunities", "increase", 0, 25, "", 22),
    )


def test_my_okrs_and_the_check_in_screen_say_where_each_stands(cast, krs, as_user):
    cycle_kr, threshold, opportunities = krs
    client = as_user(cast.ava)
    home = text(client.get("/"))
    screen = text(client.get("/check-in/"))
    for page, element in ((home, "kr"), (screen, "checkin-row")):
        assert "95 days (from 120 to 90 days)" in row(page, cycle_kr, element)
        assert "95 days of 90 days" not in page
        assert "85% (keep at or above 80%)" in row(page, threshold, element)
        assert "85% of 80%" not in page
        assert "22 of 25" in row(page, opportunities, element)
    assert "83 %" in row(home, cycle_kr, "kr")  # (120 - 95) / (120 - 90)


def test_a_key_result_carried_over_from_8_reads_from_8_beside_0_percent(cast, as_user):
    amend = {"amendment_reason": "Recording Q3 late"}
    q3 = actions.create_objective(
        acting_user=cast.hana,
        title="Standard clauses",
        level="individual",
        cycle=cast.q3,
        owner_person=cast.ava,
        **amend,
    )
    clauses = actions.create_key_result(
        acting_user=cast.hana,
        objective=q3,
        title="Fallback clauses for 10 terms",
        kind="increase",
        start_value=0,
        target_value=10,
        unit="clauses",
        owner=cast.ava,
        **amend,
    )
    actions.record_check_in(
        acting_user=cast.hana, key_result=clauses, value=8, confidence="on_track", **amend
    )
    carried = actions.carry_over_key_result(acting_user=cast.ava, key_result=clauses)
    client = as_user(cast.ava)
    home = row(text(client.get("/")), carried, "kr")
    assert "8 clauses (from 8 to 10 clauses)" in home and "0 %" in home
    assert "8 of 10" not in home
    screen = row(text(client.get("/check-in/")), carried, "checkin-row")
    assert "8 clauses (from 8 to 10 clauses)" in screen
