"""A key result's burn-up block on the team and person dashboards: its signals (pace,
confidence, progress against expected, forecast, check-ins on time), the chart, and the
numbers behind it (readings and plan) with the explanations.

A team's dashboard holds a block per key result of the team's objectives; building each in
Python costs a fraction of rendering it through the template language, as the project does
for its badges and long tables. Every text that comes from data is escaped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lineofsight.goals.scoring import percent
from lineofsight.goals.templatetags.los import kind_label, status_badge, value_unit
from lineofsight.insights.charts import MONTHS, data_value
from lineofsight.insights.templatetags.dashboard_charts import burn_up_chart
from lineofsight.insights.templatetags.dashboard_tables import reading_rows
from lineofsight.insights.templatetags.tracking_badges import miss_badge, pace_badge

register = template.Library()


def _day_month(day: dt.date) -> str:
    """As the templates' ``j M``."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def _pct(value: float) -> str:
    return f"{percent(value)} %"


def _figure(value: float, text: str, field: str = "") -> str:
    attr = f' data-field="{field}"' if field else ""
    return f'<span{attr} data-value="{data_value(value)}">{text}</span>'


def _status(item: Any, tracked: Any) -> str:
    """The block's one status (its pace, by the product's single rule) and how far along it
    is against the even pace."""
    return (
        '<p class="signals"><span class="kr-status" '
        f'title="{escape(tracked.pace.explanation)}">{pace_badge(tracked)}</span> '
        f'<span class="meta">now {_figure(item.progress, _pct(item.progress))}, expected '
        f"{_figure(item.expected, _pct(item.expected))}</span></p>"
    )


def _details(item: Any, kr: Any, tracked: Any) -> str:
    """The secondary signals, shown on demand: confidence, forecast, check-ins on time."""
    parts = [
        '<dl class="tracking-facts">',
        f"<div><dt>Owner's confidence</dt><dd>{status_badge(kr.confidence)}</dd></div>",
    ]
    forecast = item.forecast
    if forecast:
        progress, low, high = forecast
        band = f' <span class="meta">band {percent(low)}\u2013{percent(high)} %</span>'
        parts.append(
            '<div class="forecast-line"><dt>Forecast</dt><dd>'
            f"{_figure(progress, _pct(progress))}{band if low != high else ''} "
            f"{miss_badge(tracked.forecast)}</dd></div>"
        )
    if kr.source == "check_ins":
        kept = item.discipline
        if kept.due:
            on_time = (
                f"{_figure(kept.share, _pct(kept.share))} <span class=\"meta\">({kept.kept} of "
                f"{kept.due} {escape(tracked.cadence.label.lower())} periods)</span>"
            )
        else:
            on_time = '<span class="meta">nothing due yet</span>'
        parts.append(f"<div><dt>Check-ins on time</dt><dd>{on_time}</dd></div>")
    parts.append("</dl>")
    return "\n    ".join(parts)


def _plan(item: Any, kr: Any, tracked: Any) -> str:
    target = "Done" if kr.kind == "milestone" else escape(value_unit(kr.target_value, kr.unit))
    rows = [
        f'<tr><th scope="row">Target</th><td>{target}</td>'
        '<td data-field="target" data-value="1">100 %</td><td></td></tr>'
    ]
    if item.success < 1:
        rows.append(
            '<tr><th scope="row">Success (aspirational)</th><td></td>'
            f'<td data-field="success" data-value="{data_value(item.success)}">'
            f"{_pct(item.success)}</td><td></td></tr>"
        )
    if item.is_paced:
        rows.append(
            '<tr><th scope="row">Even pace</th><td>'
            f"{_day_month(item.cycle_start)} to {_day_month(item.cycle_end)}</td>"
            '<td><span data-field="even-pace" data-value="0">0 %</span> to '
            '<span data-field="even-pace" data-value="1">100 %</span></td><td></td></tr>'
        )
    forecast = item.forecast
    if forecast:
        progress, low, high = forecast
        value = tracked.forecast.value
        end = item.cycle_end
        rows.append(
            f'<tr><th scope="row">Forecast, {_day_month(end)} {end.year}</th>'
            f"<td>{'' if value is None else escape(value_unit(value, kr.unit))}</td>"
            f"<td>{_figure(progress, _pct(progress), 'forecast')} "
            f'<span class="meta">(band {_figure(low, str(percent(low)), "forecast-low")}'
            f'\u2013{_figure(high, str(percent(high)), "forecast-high")} %)</span></td>'
            f"<td>{miss_badge(tracked.forecast)}</td></tr>"
        )
    return "\n        ".join(rows)


@register.simple_tag
def burn_up(
    item: Any,
    today: dt.date,
    cycle: Any,
    compact: bool = False,
    level: int = 4,
    show_objective: bool = False,
    link_objective: bool = False,
) -> SafeString:
    """One key result's block: ``item`` is an ``insights.dashboards.KeyResultFigures``;
    ``cycle`` the dashboard's (a key result set for another cycle says so)."""
    kr = item.key_result
    tracked = item.tracking
    block = "burnup-small-block" if compact else "burnup-block"
    table = "burnup-small-table" if compact else "burnup-table"
    title = escape(kr.title)
    if link_objective:
        url = reverse("objective", args=[kr.objective_id])
        heading = f'<a href="{url}#kr-{kr.pk}">{title}</a>'
    else:
        heading = title
    meta = f"{escape(kr.objective.title)} \u00b7 " if show_objective else ""
    meta += f"{escape(kr.owner.name)} \u00b7 {escape(kind_label(kr.kind))}"
    if kr.cycle_id != cycle.pk:
        meta += f" \u00b7 set for {escape(kr.cycle.name)}"
    why = f'<p class="tracking-why"><strong>Pace.</strong> {escape(tracked.pace.explanation)}</p>'
    if tracked.forecast:
        why += (
            '\n    <p class="tracking-why"><strong>Forecast.</strong> '
            f"{escape(tracked.forecast.explanation)}</p>"
        )
    html = f"""<article class="burn-up{' compact' if compact else ''}" id="{block}-{kr.pk}" \
data-key-result="{kr.pk}">
  <div class="burn-up-head">
    <h{level} class="kr-title">{heading}</h{level}>
    <span class="meta">{meta}</span>
  </div>
  {_status(item, tracked)}
  <figure class="dash-chart burn-up-chart">{burn_up_chart(item, today, compact)}</figure>
  <details class="numbers"><summary>Confidence, forecast and the numbers\
<span class="visually-hidden"> of {title}</span></summary>
    {_details(item, kr, tracked)}
    <div class="table-wrap" tabindex="0"><table class="dash-table compact" id="{table}-{kr.pk}">
      <caption class="visually-hidden">Check-ins and plan of {title}</caption>
      <thead><tr><th scope="col">Day</th><th scope="col">Reading</th>\
<th scope="col">Progress</th><th scope="col">Owner's confidence</th></tr></thead>
      <tbody>
      {reading_rows(item)}
      </tbody>
      <tbody class="plan">
        {_plan(item, kr, tracked)}
      </tbody>
    </table></div>
    {why}
  </details>
</article>"""
    return mark_safe(html)  # noqa: S308 - every value above is escaped
