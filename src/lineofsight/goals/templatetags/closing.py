"""Template helpers for grades and calibration: figures written the way ``goals.grading``
words them, with symbols and words (never colour alone)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from lineofsight.core.icons import icon
from lineofsight.goals import grading

register = template.Library()


@register.filter
def grade(value: Any) -> str:
    """A 0.0-1.0 grade with two decimals, or a dash."""
    if value is None or value == "":
        return "\u2013"
    try:
        return grading.format_grade(float(value))
    except (TypeError, ValueError):
        return "\u2013"


@register.filter
def share(value: Any) -> str:
    """A 0.0-1.0 share as a whole percentage ("78 %"), or a dash."""
    if value is None:
        return "\u2013"
    return f"{round(float(value) * 100)} %"


@register.filter
def brier(value: Any) -> str:
    if value is None:
        return "\u2013"
    return f"{float(value):.3f}"


@register.simple_tag
def verdict_badge(verdict: Any) -> str:
    """Success or missed, with a symbol and the words of ``grading.Verdict``."""
    if verdict is None:
        return ""
    return format_html(
        '<span class="verdict verdict-{0}" data-verdict="{0}">{1} {2}</span>',
        verdict.outcome,
        icon("check" if verdict.success else "cross"),
        verdict.words,
    )


@register.simple_tag
def reading_badge(reading: Any) -> str:
    """Overconfident (arrow up), underconfident (arrow down) or well calibrated (check)."""
    icons = {
        "overconfident": "arrow-up",
        "underconfident": "arrow-down",
        "well_calibrated": "check",
        "no_calls": "dash",
    }
    return format_html(
        '<span class="reading reading-{0}" data-reading="{0}">{1} {2}</span>',
        reading.value,
        icon(icons.get(reading.value, "dash")),
        reading.label,
    )
