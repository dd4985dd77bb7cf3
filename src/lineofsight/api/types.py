"""Field types shared by the API's schemas: ids, text, numbers, choices and instants.

Input types are strict about JSON types (a number is a JSON number, a flag is true/false),
reject NaN and infinities, bound every number, and refuse text the database cannot store.
Instants are written in the organisation's time zone with their UTC offset.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Annotated, Any, Literal

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, WithJsonSchema

from lineofsight.core.parsing import DAY_RANGE, FIRST_YEAR, LAST_YEAR, MAX_ID, future_problem
from lineofsight.people.selectors import organisation_time_zone

MAX_OFFSET = 1_000_000_000
MAX_NUMBER = 1e15
MAX_WEIGHT = 1000.0

# -- choices (pinned to the models' choices by the API tests) ------------------------------

Level = Literal["company", "team", "individual"]
Visibility = Literal["public", "team", "private"]
ObjectiveState = Literal["draft", "active", "closed", "abandoned"]
Commitment = Literal["committed", "aspirational"]
ProgressMode = Literal["key_results", "children", "both"]
KeyResultKind = Literal["increase", "decrease", "stay_above", "stay_below", "milestone"]
Signal = Literal["leading", "lagging"]
Source = Literal["check_ins", "aligned"]
KeyResultState = Literal["active", "abandoned"]
Confidence = Literal["on_track", "at_risk", "off_track"]
LinkKind = Literal["contributes", "supports"]
LinkState = Literal["accepted", "pending", "declined"]
InitiativeState = Literal["planned", "in_progress", "done", "cancelled"]
CycleKind = Literal["annual", "quarter"]
CycleState = Literal["planning", "active", "closed"]
TeamKind = Literal["company", "department", "team"]
Role = Literal["employee", "manager", "hr_admin", "executive"]

# -- ids and numbers ---------------------------------------------------------------------

Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
ParamId = Annotated[int, Field(ge=1, le=MAX_ID)]
Number = Annotated[float, Field(ge=-MAX_NUMBER, le=MAX_NUMBER, allow_inf_nan=False, strict=True)]
Weight = Annotated[float, Field(gt=0, le=MAX_WEIGHT, allow_inf_nan=False, strict=True)]
Flag = Annotated[bool, Field(strict=True)]


# -- text --------------------------------------------------------------------------------


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text cannot contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Text must be valid Unicode (no unpaired surrogates).") from None
    return value


def text(max_length: int, min_length: int = 0) -> Any:
    """A string of bounded length that the database can store."""
    return Annotated[
        str,
        Field(min_length=min_length, max_length=max_length, strict=True),
        AfterValidator(_storable),
    ]


Title = text(300, min_length=1)
LongText = text(10_000)
Unit = text(40)
Reason = text(10_000)
Url = text(500)
TokenName = text(100, min_length=1)
WebhookName = text(100, min_length=1)
ReceiverUrl = text(1000, min_length=1)
Search = Annotated[str, Field(max_length=200), AfterValidator(_storable)]
PersonName = text(200, min_length=1)
Username = text(150, min_length=1)
Email = text(254)
JobTitle = text(200)
CycleName = text(100, min_length=1)


def no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def optional(**kwargs: Any) -> Any:
    """A PATCH field: leave it out to keep the value; ``null`` is refused unless it is typed
    as nullable (the schema then shows no misleading default)."""
    return Field(default=None, json_schema_extra=no_default, **kwargs)


# -- instants ----------------------------------------------------------------------------


def _local_iso(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat()


DateTime = Annotated[
    dt.datetime,
    PlainSerializer(_local_iso, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def _instant(raw: Any, *, end_of_day: bool) -> dt.datetime:
    """A date (its start or end in the organisation's time zone) or a date and time."""
    if isinstance(raw, dt.datetime):
        value = raw
    elif isinstance(raw, str) and len(raw) <= 40:
        raw = raw.strip()
        try:
            parsed = parse_datetime(raw) if "T" in raw or " " in raw else None
            day = None if parsed else parse_date(raw)
        except ValueError:
            raise ValueError("Not a real date or time.") from None
        tz = zoneinfo.ZoneInfo(organisation_time_zone())
        if parsed is not None:
            value = parsed
        elif day is not None:
            try:
                value = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min, tz)
            except OverflowError:
                raise ValueError("That date is out of range.") from None
        else:
            raise ValueError("Use a date (2026-10-31) or a date and time (2026-10-31T17:00+01:00).")
    else:
        raise ValueError("Use a date (2026-10-31) or a date and time (2026-10-31T17:00+01:00).")
    if timezone.is_naive(value):
        value = value.replace(tzinfo=zoneinfo.ZoneInfo(organisation_time_zone()))
    try:
        value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("That date is out of range.") from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(DAY_RANGE)
    return value


_INSTANT_SCHEMA = {
    "type": "string",
    "maxLength": 40,
    "description": (
        "A date (YYYY-MM-DD, read in the organisation's time zone) or an ISO 8601 date and "
        "time (without an offset it is read in the organisation's time zone)."
    ),
    "examples": ["2026-10-31", "2026-10-31T17:00:00+01:00"],
}

StartInstant = Annotated[
    dt.datetime,
    BeforeValidator(lambda raw: _instant(raw, end_of_day=False)),
    WithJsonSchema(_INSTANT_SCHEMA),
]
EndInstant = Annotated[
    dt.datetime,
    BeforeValidator(lambda raw: _instant(raw, end_of_day=True)),
    WithJsonSchema(_INSTANT_SCHEMA),
]


def _not_after_today(value: dt.datetime) -> dt.datetime:
    tz = zoneinfo.ZoneInfo(organisation_time_zone())
    problem = future_problem(
        timezone.localtime(value, tz).date(), timezone.localtime(timezone.now(), tz).date()
    )
    if problem:
        raise ValueError(problem)
    return value


# "As of" an instant: figures are known up to now, so a day after today is refused.
AsOfInstant = Annotated[EndInstant, AfterValidator(_not_after_today)]
