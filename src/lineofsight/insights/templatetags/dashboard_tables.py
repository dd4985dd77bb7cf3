"""The dashboards' long tables, written here rather than with template loops.

A leadership dashboard holds a few hundred table rows (every department week by week, the
at-risk list), each cell with its ``data-value``; building them in Python costs a fraction of
rendering them through the template language, as the project does for its badges. Every text
that comes from data is escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lineofsight.goals.scoring import percent
from lineofsight.goals.templatetags.los import status_badge, value_unit
from lineofsight.insights.charts import MONTHS, data_value
from lineofsight.insights.templatetags.tracking_badges import miss_badge, pace_badge

register = template.Library()

STATUS_COLUMNS = ("off_track", "stale", "at_risk", "pending", "not_started", "on_track")


def _day(day: dt.date) -> str:
    """As the templates' ``j M Y``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _pct(value: float | None) -> str:
    return "\u2013" if value is None else f"{percent(value)} %"


def _dv(value: float | None) -> str:
    return "" if value is None else data_value(value)


def _cell(field: str, value: float | None, text: str, extra: str = "") -> str:
    return f'<td data-field="{field}"{extra} data-value="{_dv(value)}">{text}</td>'


def _safe(parts: Iterable[str]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.simple_tag
def subject_rows(rows: Any, cycle: Any, table_id: str, drill: bool = False) -> SafeString:
    """Rows of a table of departments or teams (see insights/subject_table.html)."""
    from lineofsight.insights.templatetags.dashboard_charts import progress_sparkline

    trend = bool(rows) and bool(rows[0].weeks)
    url = reverse("dashboard-team", args=[0]).removesuffix("0/")
    out = []
    for row in rows:
        name = escape(row.name)
        head = f'<a href="{url}{row.team_id}/?cycle={cycle.pk}">{name}</a>'
        if drill:
            head += (
                f'<br><a class="small-link" href="?cycle={cycle.pk}&amp;department='
                f'{row.team_id}#teams">Its teams</a>'
            )
        cells = [
            f'<tr data-row="{escape(row.key)}"><th scope="row">{head}</th>',
            _cell(
                "progress",
                row.progress,
                f'{_pct(row.progress)} <span class="meta">({row.objectives} obj.)</span>',
            ),
        ]
        for status in STATUS_COLUMNS:
            count = getattr(row.statuses, status)
            cells.append(f'<td data-segment="{status}" data-value="{count}">{count}</td>')
        cells.append(_cell("likely", row.likely_to_miss, str(row.likely_to_miss)))
        cells.append(
            _cell(
                "discipline",
                row.discipline,
                f'{_pct(row.discipline)} <span class="meta">({row.periods_kept}/'
                f"{row.periods_due})</span>",
            )
        )
        if trend:
            cells.append(f"<td>{progress_sparkline(row, f'spark-{table_id}-{row.key}')}</td>")
        cells.append("</tr>")
        out.append("".join(cells))
    return _safe(out)


@register.simple_tag
def week_rows(weeks: Any) -> SafeString:
    """One subject's weeks: progress, discipline, share needing attention."""
    out = []
    for w in weeks:
        out.append(
            f'<tr><th scope="row">{_day(w.week_ending)}</th><td>{_day(w.day)}</td>'
            + _cell("progress", w.progress, _pct(w.progress))
            + _cell("discipline", w.discipline, _pct(w.discipline))
            + _cell("attention", w.attention_share, _pct(w.attention_share))
            + f"<td>{w.likely_to_miss}</td><td>{w.key_results}</td></tr>"
        )
    return _safe(out)


@register.simple_tag
def series_week_rows(subjects: Any, discipline: bool = False) -> SafeString:
    """Several subjects' weeks in one table (company objectives, departments), each cell
    marked with its subject's series key."""
    out = []
    for subject in subjects:
        key = escape(subject.key)
        name = escape(subject.name)
        series = f' data-series="{key}"'
        for w in subject.weeks:
            row = (
                f'<tr><th scope="row">{name}</th><td>{_day(w.week_ending)}</td>'
                f"<td>{_day(w.day)}</td>"
                + _cell("progress", w.progress, _pct(w.progress), series)
            )
            if discipline:
                row += _cell("discipline", w.discipline, _pct(w.discipline), series)
            out.append(row + "</tr>")
    return _safe(out)


@register.simple_tag
def at_risk_rows(items: Any, cycle: Any) -> SafeString:
    """The at-risk list: each key result with its objective, owner and figures."""
    objective_url = reverse("objective", args=[0]).removesuffix("0/")
    person_url = reverse("dashboard-person", args=[0]).removesuffix("0/")
    out = []
    for item in items:
        kr = item.key_result
        f = item.figures()
        row = item.row
        forecast = "\u2013"
        if row.miss_risk:
            forecast = (
                f'<span data-field="forecast" data-value="{_dv(f["forecast_progress"])}">'
                f'{_pct(f["forecast_progress"])}</span> <span class="meta">band '
                f'{percent(f["forecast_low"])}\u2013{percent(f["forecast_high"])} %</span> '
                f"{miss_badge(row)}"
            )
        out.append(
            f'<tr data-key-result="{kr.pk}"><th scope="row">'
            f'<a href="{objective_url}{kr.objective_id}/#kr-{kr.pk}">{escape(kr.title)}</a>'
            f'<br><span class="meta">{escape(item.objective.title)}</span></th>'
            f'<td><a href="{person_url}{kr.owner_id}/?cycle={cycle.pk}">'
            f"{escape(kr.owner.name)}</a></td>"
            f"<td>{pace_badge(row.status)}</td><td>{status_badge(row.confidence)}</td>"
            f'<td><span data-field="progress" data-value="{_dv(f["progress"])}">'
            f'{_pct(f["progress"])}</span> <span class="meta">/ <span data-field="expected" '
            f'data-value="{_dv(f["expected"])}">{_pct(f["expected"])}</span></span></td>'
            f"<td>{forecast}</td></tr>"
        )
    return _safe(out)


@register.simple_tag
def reading_rows(item: Any) -> SafeString:
    """A burn-up's readings: day, value, progress and the owner's confidence."""
    kr = item.key_result
    milestone = kr.kind == "milestone"
    badges: dict[str, str] = {}  # a handful of confidences, each badge built once
    out = []
    for r in item.readings:
        reading = ("Done" if r.done else "Not done") if milestone else value_unit(r.value, kr.unit)
        badge = badges.get(r.confidence)
        if badge is None:
            badge = badges[r.confidence] = status_badge(r.confidence)
        out.append(
            f'<tr class="reading"><th scope="row">{_day(r.day)}</th><td>{escape(reading)}</td>'
            + _cell("reading", r.progress, _pct(r.progress))
            + f"<td>{badge}</td></tr>"
        )
    if not out:
        out.append(
            f'<tr><td colspan="4" class="empty">No check-ins in {escape(kr.cycle.name)} yet.'
            "</td></tr>"
        )
    return _safe(out)
