"""Reading ids and dates typed by people: query strings, form fields and command arguments.

One place decides what an id or a day may be, so a value no database can hold (an id past
the 64-bit range, a day with no next day) is refused like any other bad input, naming its
field, instead of failing deep in a query or in date arithmetic:

* **Ids** are whole numbers from 1 to 2^63 - 1, the largest key SQLite and PostgreSQL store.
  ``as_id`` reads one (``None`` for anything else); ``IdModelChoiceField`` and
  ``IdModelMultipleChoiceField`` are Django's model choice fields that check the range
  before they query, answering "choose from the list" like any unknown choice.
* **Days** are ISO dates (``YYYY-MM-DD``) in the years 1900 to 9998, so the day after, and the
  instant that ends a day in any time zone, always exist.
* **"As of" a day** means the end of that day in the organisation's time zone. The figures
  are known up to now, so a day after today is refused: the product never answers as if it
  knew the future.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from lineofsight.core.errors import InvalidInput

MAX_ID = 2**63 - 1
FIRST_YEAR = 1900
LAST_YEAR = 9998

DAY_FORMAT = "Enter a date as YYYY-MM-DD."
DAY_RANGE = f"Enter a date in the years {FIRST_YEAR} to {LAST_YEAR}."


def as_id(raw: Any) -> int | None:
    """``raw`` as a database id (a whole number from 1 to ``MAX_ID``), else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip()
        if not text.isdigit() or not text.isascii() or len(text) > 19:
            return None
        value = int(text)
    else:
        return None
    return value if 1 <= value <= MAX_ID else None


def ids(raws: Iterable[Any]) -> list[int] | None:
    """Every value as an id, or None when any of them is not one."""
    out = []
    for raw in raws:
        value = as_id(raw)
        if value is None:
            return None
        out.append(value)
    return out


def day_problem(day: dt.date) -> str | None:
    """Why a day cannot be used (outside the years every calculation can reach), or None."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return DAY_RANGE
    return None


def parse_day(raw: str | None, *, field: str) -> dt.date | None:
    """An ISO date typed into ``field``; None when empty. Raises ``InvalidInput`` naming the
    field for anything else."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput.one(field, DAY_FORMAT) from None
    problem = day_problem(day)
    if problem:
        raise InvalidInput.one(field, problem)
    return day


def end_of_day(day: dt.date, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """The last instant of ``day`` in the time zone ``tz``."""
    next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return next_midnight - dt.timedelta(microseconds=1)


def future_problem(day: dt.date, today: dt.date) -> str | None:
    """Why figures cannot be asked for as of ``day`` (it lies after ``today``), or None."""
    if day > today:
        return (
            f"{day.isoformat()} is in the future; figures are known up to today "
            f"({today.isoformat()}). Choose today or an earlier day."
        )
    return None


def parse_as_of(
    raw: str | None, *, tz: zoneinfo.ZoneInfo, today: dt.date, field: str = "as_of"
) -> dt.datetime | None:
    """``YYYY-MM-DD`` typed into ``field``: the end of that day in ``tz``, refused when it is
    after ``today`` (see the module's rules). None when empty."""
    day = parse_day(raw, field=field)
    if day is None:
        return None
    problem = future_problem(day, today)
    if problem:
        raise InvalidInput.one(field, problem)
    return end_of_day(day, tz)


# -- form fields -----------------------------------------------------------------------------


class IdModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A model choice whose value is checked as an id before the database sees it."""

    def to_python(self, value: Any) -> Any:
        model = self.queryset.model if self.queryset is not None else None
        if value in self.empty_values or (model is not None and isinstance(value, model)):
            return super().to_python(value)
        if self.to_field_name is None and as_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Model choices whose values are checked as ids before the database sees them."""

    def _check_values(self, value: Any) -> Any:
        if self.to_field_name is None and not isinstance(value, str | bytes):
            for raw in value:
                if as_id(raw) is None:
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": raw},
                    )
        return super()._check_values(value)  # type: ignore[misc]
