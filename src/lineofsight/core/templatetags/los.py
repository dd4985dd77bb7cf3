"""Template filters for figures: percentages, values with units, confidence labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

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
def kr_reading(kr: Any) -> str:
    """Where a key result stands, in words that agree with its progress
    (``scoring.reading_text``): "22 of 25 logos", "95 days (from 120 to 90 days)",
    "85% (keep at or above 80%)"."""
    return scoring.reading_text(kr.spec(), kr.current_value, bool(kr.done))


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


# Badges drawn many times per page (every tree node, key result and check-in) are built
# here rather than with {% include %}, which costs far more per use.


@register.simple_tag
def progress_bar(value: Any, label: str = "") -> str:
    """A labelled progress bar for a whole percentage, banded for colour and text."""
    number = int(value or 0)
    band = "band-high" if number >= 70 else "band-mid" if number >= 40 else "band-low"
    return format_html(
        '<div class="progress-wrap"><div class="progress" role="progressbar" '
        'aria-valuemin="0" aria-valuemax="100" aria-valuenow="{0}" aria-label="{1}">'
        '<span class="progress-fill {2}" style="width: {0}%"></span></div>'
        '<span class="pct" data-percent="{0}">{0} %</span></div>',
        number,
        label or "Progress",
        band,
    )


@register.simple_tag
def status_badge(status: Any) -> str:
    """The latest confidence, with an icon and words (never colour alone)."""
    key = confidence_key(status)
    return format_html(
        '<span class="status status-{0}" data-status="{0}">'
        '<span class="status-icon" aria-hidden="true"></span>{1}</span>',
        key,
        confidence_label(status),
    )


@register.simple_tag
def commitment_badge(objective: Any) -> str:
    """Committed (expected to reach 100 %) or aspirational (about 70 % is good)."""
    if objective.commitment == "committed":
        title, text = "Committed: expected to reach 100 %", "\u25a0 Committed"
    else:
        title, text = "Aspirational: about 70 % is a good result", "\u25c7 Aspirational"
    return format_html(
        '<span class="badge commit-{0}" title="{1}">{2}</span>', objective.commitment, title, text
    )
