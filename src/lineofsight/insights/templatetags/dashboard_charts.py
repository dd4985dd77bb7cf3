"""Template tags that draw the dashboards' charts (server-side SVG from ``insights.charts``).

``insights.charts`` escapes every text it writes, so its markup is safe to insert as is.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from lineofsight.insights import chart_specs, charts

register = template.Library()


def _figure(svg: str, legend: str = "") -> SafeString:
    return mark_safe(f'<div class="chart-frame">{svg}</div>{legend}')  # noqa: S308


@register.simple_tag
def burn_up_chart(item: Any, today: Any, compact: bool = False) -> SafeString:
    spec = chart_specs.burn_up(
        item, today=today, compact=compact, prefix="burnup-small" if compact else "burnup"
    )
    return _figure(charts.line_chart(spec), charts.legend(spec))


@register.simple_tag
def organisation_trend_chart(row: Any, cycle: Any, today: Any, chart_id: str) -> SafeString:
    spec = chart_specs.organisation_trend(
        row, start=cycle.start_date, end=cycle.end_date, today=today, chart_id=chart_id
    )
    return _figure(charts.line_chart(spec), charts.legend(spec))


@register.simple_tag
def company_trend_chart(objectives: Any, cycle: Any, today: Any) -> SafeString:
    spec = chart_specs.company_trend(
        objectives, start=cycle.start_date, end=cycle.end_date, today=today
    )
    return _figure(charts.line_chart(spec), charts.legend(spec))


@register.simple_tag
def progress_bar_chart(rows: Any, expected: Any, chart_id: str, title: str) -> SafeString:
    spec = chart_specs.progress_bars(rows, expected=expected, chart_id=chart_id, title=title)
    return _figure(charts.bar_chart(spec))


@register.simple_tag
def status_bar_chart(rows: Any, chart_id: str, title: str) -> SafeString:
    spec = chart_specs.status_bars(rows, chart_id=chart_id, title=title)
    return _figure(charts.stacked_bar_chart(spec), charts.stacked_legend(spec))


@register.simple_tag
def progress_sparkline(row: Any, chart_id: str) -> SafeString:
    spec = chart_specs.progress_sparkline(row, chart_id=chart_id)
    return mark_safe(charts.sparkline(spec))  # noqa: S308


@register.filter
def dv(value: Any) -> str:
    """A figure as charts write it in ``data-value`` (blank for none)."""
    if value is None or value == "":
        return ""
    return charts.data_value(float(value))


@register.filter
def pct_or_dash(value: Any) -> str:
    """A 0.0-1.0 figure as a whole percentage, or a dash when there is none."""
    if value is None or value == "":
        return "\u2013"
    from lineofsight.goals.scoring import percent

    return f"{percent(float(value))} %"


@register.filter
def status_label(key: str) -> str:
    for segment in chart_specs.STATUS_SEGMENTS:
        if segment.key == key:
            return segment.label
    return key


@register.filter
def listify(value: Any) -> list[Any]:
    """One item as a list of one (for templates that take rows)."""
    return [] if value is None else [value]
