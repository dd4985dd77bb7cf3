"""The rule that dates an abandonment (goals.history): the revision that started the latest
run of abandoned revisions, as long as the definition is still abandoned."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from lineofsight.goals.history import abandonments_from_rows

START = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


Row = tuple[int, int, str, str, int | None, dt.datetime]


def rows(states: list[str], pk: int = 1) -> list[Row]:
    return [
        (pk, n, state, f"reason {n}", None, START + dt.timedelta(days=n))
        for n, state in enumerate(states, start=1)
    ]


def test_the_revision_that_abandoned_it_is_kept() -> None:
    found = abandonments_from_rows(rows(["active", "active", "abandoned"]))
    assert found[1].revision == 3 and found[1].reason == "reason 3"
    assert found[1].at == START + dt.timedelta(days=3)


def test_a_later_edit_while_abandoned_keeps_the_first_date() -> None:
    found = abandonments_from_rows(rows(["active", "abandoned", "abandoned"]))
    assert found[1].revision == 2


def test_reinstated_means_not_abandoned_and_a_second_abandonment_counts_from_itself() -> None:
    assert abandonments_from_rows(rows(["active", "abandoned", "active"])) == {}
    assert abandonments_from_rows(rows(["abandoned", "active", "abandoned"]))[1].revision == 3


@given(st.lists(st.lists(st.sampled_from(["active", "draft", "abandoned"]), max_size=8),
                max_size=5))
def test_invariants(histories: list[list[str]]) -> None:
    all_rows = [row for pk, states in enumerate(histories) for row in rows(states, pk)]
    found = abandonments_from_rows(all_rows)
    for pk, states in enumerate(histories):
        abandoned_now = bool(states) and states[-1] == "abandoned"
        assert (pk in found) == abandoned_now
        if abandoned_now:
            start = len(states)
            while start > 1 and states[start - 2] == "abandoned":
                start -= 1
            assert found[pk].revision == start
