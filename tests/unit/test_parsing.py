"""Reading typed ids and days (``core.parsing``): nothing a database or the calendar cannot
hold gets past, and every refusal names its field."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineofsight.core import parsing
from lineofsight.core.errors import InvalidInput

UTC = zoneinfo.ZoneInfo("UTC")
TODAY = dt.date(2026, 11, 23)


@given(st.integers())
def test_an_id_is_a_whole_number_a_database_can_hold(n):
    found = parsing.as_id(n)
    assert found == (n if 1 <= n <= parsing.MAX_ID else None)
    assert parsing.as_id(str(n)) == (n if 1 <= n <= parsing.MAX_ID else None)


@given(st.text(max_size=30))
def test_any_text_is_an_id_or_nothing(raw):
    found = parsing.as_id(raw)
    assert found is None or 1 <= found <= parsing.MAX_ID


@pytest.mark.parametrize("raw", ["", " ", "-1", "0", "1.0", "1e3", "\u00b2", "\u0663", True, None])
def test_what_is_not_an_id(raw):
    assert parsing.as_id(raw) is None


def test_ids_of_a_list_are_all_or_nothing():
    assert parsing.ids(["1", 2, " 3 "]) == [1, 2, 3]
    assert parsing.ids(["1", str(2**63)]) is None


@given(st.text(max_size=20))
def test_a_typed_day_is_a_day_or_a_refusal_naming_the_field(raw):
    try:
        day = parsing.parse_day(raw, field="as_of")
    except InvalidInput as exc:
        assert list(exc.errors) == ["as_of"]
    else:
        assert day is None or parsing.FIRST_YEAR <= day.year <= parsing.LAST_YEAR


@given(st.dates())
def test_as_of_any_day_is_the_end_of_a_past_day_or_a_refusal(day):
    try:
        instant = parsing.parse_as_of(day.isoformat(), tz=UTC, today=TODAY)
    except InvalidInput as exc:
        [message] = exc.errors["as_of"]
        assert day > TODAY or not parsing.FIRST_YEAR <= day.year <= parsing.LAST_YEAR
        assert ("in the future" in message) == (day > TODAY and day.year <= parsing.LAST_YEAR)
    else:
        assert instant is not None and instant.date() == day <= TODAY
        assert instant + dt.timedelta(microseconds=1) == dt.datetime.combine(
            day + dt.timedelta(days=1), dt.time.min, tzinfo=UTC
        )


def test_the_future_is_refused_with_words():
    with pytest.raises(InvalidInput) as caught:
        parsing.parse_as_of("2030-01-01", tz=UTC, today=TODAY)
    assert caught.value.errors["as_of"] == [
        "2030-01-01 is in the future; figures are known up to today (2026-11-23). Choose "
        "today or an earlier day."
    ]
    assert parsing.parse_as_of("", tz=UTC, today=TODAY) is None
