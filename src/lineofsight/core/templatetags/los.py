"""Template filters for figures: percentages, values with units, confidence labels."""

from __future__ import annotations

from typing import Any

from django import template

from lineofsight.goals import scoring

register = template.Library()


@register.filter
def pct(progress: Any) -> int:
    """A stored progress (0.0-1.0) as a whole percentage."""
    try:
        return scoring.percent(float(progress))
    except (TypeError, ValueError):
        return 0


@register.filter
def value_unit(value: Any, unit: str = "") -> str:
    """A key-result value with its unit ("22 logos", "$1,200", "35%"), or a dash."""
    if value is None or value == "":
        return "\u2013"
    return scoring.fmt(float(value), unit or "")


@register.filter
def confidence_label(value: Any) -> str:
    if not value:
        return "No check-in yet"
    try:
        return scoring.Confidence(str(value)).label
    except ValueError:
        return str(value)


@register.filter
def confidence_key(value: Any) -> str:
    """The CSS/ARIA key of a confidence (or "none")."""
    if not value:
        return "none"
    return str(getattr(value, "value", value))


@register.filter
def kind_label(value: Any) -> str:
    try:
        return scoring.KeyResultKind(str(value)).label
    except ValueError:
        return str(value)


@register.filter
def weight(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return f"{number:g}"


@register.filter
def parent_value(obj: Any) -> str:
    """The picker's value for a candidate parent: "o-<id>" or "k-<id>"."""
    prefix = "k" if obj.__class__.__name__ == "KeyResult" else "o"
    return f"{prefix}-{obj.pk}"
