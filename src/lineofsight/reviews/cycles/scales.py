"""Rating scales and phases of a review cycle. Pure: plain values in, plain values out.

A scale is a list of levels ``{"value": int, "label": str, "description": str}`` whose values
run 1..n without gaps (2 <= n <= 10), each with a label of its own.

A cycle's phases follow its five deadlines (each inclusive, in the organisation's time zone):
self review until ``self_review_due``, then peer feedback, manager review, calibration and
sharing; after the sharing deadline the cycle is waiting to be closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SCALE_MIN_LEVELS = 2
SCALE_MAX_LEVELS = 10
LABEL_MAX = 80
DESCRIPTION_MAX = 500

# (deadline field, phase key, phase label), in order.
PHASES: tuple[tuple[str, str, str], ...] = (
    ("self_review_due", "self_review", "Self review"),
    ("peer_feedback_due", "peer_feedback", "Peer feedback"),
    ("manager_review_due", "manager_review", "Manager review"),
    ("calibration_due", "calibration", "Calibration"),
    ("sharing_due", "sharing", "Sharing"),
)
DEADLINE_FIELDS: tuple[str, ...] = tuple(field for field, _, _ in PHASES)
AFTER_DEADLINES = ("wrap_up", "Past the sharing deadline")


def scale_errors(levels: Any, field: str = "rating_scale") -> dict[str, str]:
    """What is wrong with a scale, by field: ``<field>`` for the whole scale, ``<field>.<i>``
    (0-based) for one level. Empty when the scale is good."""
    if not isinstance(levels, Sequence) or isinstance(levels, str | bytes):
        return {field: "Give the scale as a list of levels."}
    errors: dict[str, str] = {}
    if not SCALE_MIN_LEVELS <= len(levels) <= SCALE_MAX_LEVELS:
        errors[field] = (
            f"A scale has {SCALE_MIN_LEVELS} to {SCALE_MAX_LEVELS} levels (this one has "
            f"{len(levels)})."
        )
    values: list[int] = []
    labels: set[str] = set()
    for i, level in enumerate(levels):
        key = f"{field}.{i}"
        if not isinstance(level, Mapping):
            errors[key] = "Each level has a value, a label and a description."
            continue
        value = level.get("value")
        label = str(level.get("label") or "").strip()
        description = str(level.get("description") or "")
        if isinstance(value, bool) or not isinstance(value, int):
            errors[key] = "The value must be a whole number."
            continue
        values.append(value)
        if not label:
            errors[key] = f"Level {value} needs a label."
        elif len(label) > LABEL_MAX:
            errors[key] = f"Keep the label of level {value} under {LABEL_MAX} characters."
        elif label.casefold() in labels:
            errors[key] = f"The label {label!r} is used twice."
        elif len(description) > DESCRIPTION_MAX:
            errors[key] = (
                f"Keep the description of level {value} under {DESCRIPTION_MAX} characters."
            )
        labels.add(label.casefold())
    if field not in errors and values and sorted(values) != list(range(1, len(levels) + 1)):
        errors[field] = f"The values must run from 1 to {len(levels)} with no gaps or repeats."
    return errors


def normalise_scale(levels: Sequence[Mapping[str, Any]]) -> list[dict[str, object]]:
    """A good scale as stored: sorted by value, labels and descriptions trimmed."""
    return [
        {
            "value": int(level["value"]),
            "label": str(level["label"]).strip(),
            "description": str(level.get("description") or "").strip(),
        }
        for level in sorted(levels, key=lambda lv: int(lv["value"]))
    ]


def scale_label(levels: Sequence[Mapping[str, Any]], value: int | None) -> str:
    """The label of a value on a scale ("" for None or a value the scale lacks)."""
    if value is None:
        return ""
    for level in levels:
        if level.get("value") == value:
            return str(level.get("label") or "")
    return ""


def deadline_errors(deadlines: Mapping[str, dt.date | None], not_before: dt.date) -> dict[str, str]:
    """Deadlines must all be given, fall in phase order (each on or after the one before) and
    on or after ``not_before`` (the start of the OKR cycle under review)."""
    errors: dict[str, str] = {}
    previous: tuple[str, dt.date] | None = None
    for field, _, label in PHASES:
        value = deadlines.get(field)
        if value is None:
            errors[field] = "Give a date."
            continue
        if value < not_before:
            errors[field] = (
                f"The {label.lower()} deadline must be on or after {not_before:%Y-%m-%d}, the "
                "start of the OKR cycle under review."
            )
        elif previous is not None and value < previous[1]:
            errors[field] = (
                f"The {label.lower()} deadline must be on or after the "
                f"{previous[0].lower()} deadline ({previous[1]:%Y-%m-%d})."
            )
        previous = (label, value)
    return errors


@dataclass(frozen=True)
class Phase:
    key: str
    label: str
    due: dt.date | None  # the phase's deadline (None after the last one)
    days_left: int | None  # days until that deadline, 0 on the day itself


def phase_on(deadlines: Mapping[str, dt.date], today: dt.date) -> Phase:
    """The phase a cycle with these deadlines is in on ``today``."""
    for field, key, label in PHASES:
        due = deadlines[field]
        if today <= due:
            return Phase(key, label, due, (due - today).days)
    return Phase(AFTER_DEADLINES[0], AFTER_DEADLINES[1], None, None)
