"""Template filters for figures: percentages, values with units, confidence labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from lineofsight.core.icons import icon as draw_icon
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


def bar_svg(percent: int, css: str = "progress", attrs: str = "") -> str:
    """A bar filled to ``percent`` (0-100) as inline SVG: widths are attributes, so no inline
    style is needed (a Content-Security-Policy may forbid those)."""
    number = max(0, min(100, int(percent)))
    band = "band-high" if number >= 70 else "band-mid" if number >= 40 else "band-low"
    return format_html(
        '<svg class="{0}" viewBox="0 0 100 10" preserveAspectRatio="none" focusable="false"{1}>'
        '<rect class="progress-track" width="100" height="10"/>'
        '<rect class="progress-fill {2}" width="{3}" height="10"/></svg>',
        css,
        mark_safe(attrs),  # noqa: S308 - built by the callers below from escaped values
        band,
        number,
    )


@register.simple_tag
def progress_bar(value: Any, label: str = "") -> str:
    """A labelled progress bar for a whole percentage, banded for colour and text."""
    number = int(value or 0)
    attrs = format_html(
        ' role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="{0}" '
        'aria-label="{1}"',
        number,
        label or "Progress",
    )
    return format_html(
        '<div class="progress-wrap">{0}<span class="pct" data-percent="{1}">{1} %</span></div>',
        bar_svg(number, "progress", attrs),
        number,
    )


@register.simple_tag
def share_bar(share: Any, total: Any = None) -> str:
    """A small bar for a 0.0-1.0 share (or ``share`` out of ``total``), beside the figure
    written as text (decoration)."""
    try:
        ratio = float(share) / float(total) if total is not None else float(share)
        number = round(ratio * 100)
    except (TypeError, ValueError, ZeroDivisionError):
        number = 0
    return bar_svg(number, "progress share-bar", ' aria-hidden="true"')


CONFIDENCE_ICONS = {"on_track": "check", "at_risk": "alert", "off_track": "cross"}


@register.simple_tag
def status_badge(status: Any) -> str:
    """The latest confidence, with an icon and words (never colour alone)."""
    key = confidence_key(status)
    return format_html(
        '<span class="status status-{0}" data-status="{0}">{1}{2}</span>',
        key,
        draw_icon(CONFIDENCE_ICONS.get(key, "dash")),
        confidence_label(status),
    )


@register.simple_tag
def icon(name: str, extra_class: str = "") -> str:
    """An inline SVG icon from ``core.icons`` (decoration: words carry the meaning)."""
    return draw_icon(name, extra_class)


@register.simple_tag
def commitment_badge(objective: Any) -> str:
    """Committed (expected to reach 100 %) or aspirational (about 70 % is good)."""
    if objective.commitment == "committed":
        title, mark, text = "Committed: expected to reach 100 %", "square", "Committed"
    else:
        title, mark, text = "Aspirational: about 70 % is a good result", "diamond-outline", (
            "Aspirational"
        )
    return format_html(
        '<span class="badge commit-{0}" title="{1}">{2}{3}</span>',
        objective.commitment,
        title,
        draw_icon(mark),
        text,
    )


@register.simple_tag
def bar_spark(heights: Any) -> str:
    """Tiny bars for a list of 0-100 heights, as inline SVG (decoration: the figures are
    written beside it)."""
    values = [max(0, min(100, int(h))) for h in heights or ()]
    bars = "".join(
        f'<rect x="{i * 6}" y="{20 - h / 5:.1f}" width="4" height="{max(h / 5, 0.5):.1f}"/>'
        for i, h in enumerate(values)
    )
    width = max(1, len(values) * 6 - 2)
    return format_html(
        '<svg class="spark" viewBox="0 0 {0} 20" width="{0}" height="20" aria-hidden="true" '
        'focusable="false">{1}</svg>',
        width,
        mark_safe(bars),  # noqa: S308 - numbers only
    )


@register.filter
def age(value: Any) -> str:
    """How long ago a time was, in words: "just now", "12 minutes ago", "2 hours, 5 minutes
    ago"."""
    if not value:
        return ""
    if (timezone.now() - value).total_seconds() < 60:
        return "just now"
    return f"{timesince(value)} ago"
