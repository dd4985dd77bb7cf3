"""Badges for pace and forecasts: an icon and words, never colour alone.

Drawn many times per page (every key result, card and tree node), so they are built here
rather than with ``{% include %}``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from lineofsight.core.icons import icon
from lineofsight.goals import scoring
from lineofsight.goals.forecast import MissRisk
from lineofsight.goals.pace import PaceStatus
from lineofsight.goals.templatetags.los import status_badge

register = template.Library()

# Each status's icon (an inline SVG from ``core.icons``: symbols drawn as characters are
# missing from many fonts).
PACE_ICONS = {
    "on_track": "check",
    "at_risk": "alert",
    "off_track": "cross",
    "stale": "hourglass",
    "pending": "ellipsis",
    "not_started": "dash",
}
MISS_ICONS = {"unlikely": "up", "possible": "diamond", "likely": "down", "unknown": "question"}


def _status(value: Any) -> PaceStatus | None:
    raw = getattr(value, "status", value)
    try:
        return PaceStatus(str(getattr(raw, "value", raw)))
    except ValueError:
        return None


def _none_badge(words: str) -> str:
    return format_html(
        '<span class="pace pace-none" data-pace="none">{0}{1}</span>',
        icon("dash"),
        words,
    )


@register.simple_tag
def pace_badge(value: Any) -> str:
    """A pace status (or anything with a ``status``) as a badge: icon and label."""
    status = _status(value)
    if status is None:
        return _none_badge("Not tracked")
    return format_html(
        '<span class="pace pace-{0}" data-pace="{0}">{1}{2}</span>',
        status.value,
        icon(PACE_ICONS[status.value]),
        status.label,
    )


@register.simple_tag
def risk_badge(tracking: Any) -> str:
    """An objective's (or team's) roll-up: the worst pace status and how many key results
    need attention."""
    risk = getattr(tracking, "risk", None)
    if risk is None or risk.total == 0:
        return format_html(
            '<span class="risk" data-risk-worst="none" data-risk-attention="0">{0}</span>',
            _none_badge("No key results to track"),
        )
    worst = risk.worst
    if risk.attention:
        words = f"{risk.attention} of {risk.total} key result{'s' if risk.total != 1 else ''} " \
            f"need{'s' if risk.attention == 1 else ''} attention"
    else:
        words = f"none of {risk.total} key result{'s' if risk.total != 1 else ''} needs attention"
    return format_html(
        '<span class="risk" data-risk-worst="{0}" data-risk-attention="{1}" '
        'title="Pace: the worst status among its key results">'
        '<span class="risk-label">Pace</span> {2} <span class="meta">{3}</span></span>',
        worst.value if worst else "none",
        risk.attention,
        pace_badge(worst),
        words,
    )


@register.simple_tag
def miss_badge(projection: Any) -> str:
    """Whether a forecast is likely to reach success: icon and words."""
    risk = MissRisk(str(getattr(projection.miss_risk, "value", projection.miss_risk)))
    return format_html(
        '<span class="miss miss-{0}" data-miss-risk="{0}">{1}{2}</span>',
        risk.value,
        icon(MISS_ICONS[risk.value]),
        risk.label,
    )


@register.filter
def grade2(progress: Any) -> str:
    """A progress figure as the 0.0-1.0 grade it would make, two decimals."""
    try:
        return f"{scoring.grade(float(progress)):.2f}"
    except (TypeError, ValueError):
        return ""


@register.filter
def share(value: Any) -> str:
    """A ratio such as actual / expected, two decimals."""
    try:
        return f"{float(value):.2f}"
    except (TypeError, ValueError):
        return ""


@register.filter
def projected(value: Any, unit: str = "") -> str:
    """A projected value, rounded for reading (whole above 100, else one decimal)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "\u2013"
    rounded = round(number) if abs(number) >= 100 else round(number, 1)
    return scoring.fmt(float(rounded), unit or "")


@register.simple_tag
def kr_status(kr: Any) -> str:
    """A key result's one status, by the product's single rule: its pace (stale, whatever
    the figures say, once a check-in is overdue); the owner's confidence and the forecast
    are secondary detail, shown on demand. A key result that is not tracked (abandoned, or
    in a closed cycle) shows its owner's last confidence instead."""
    tracking = getattr(kr, "tracking", None)
    if tracking is None:
        return status_badge(getattr(kr, "confidence", None))
    return format_html(
        '<span class="kr-status" title="{0}">{1}</span>',
        tracking.pace.explanation,
        pace_badge(tracking.pace),
    )
