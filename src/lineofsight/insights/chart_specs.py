"""The dashboards' charts: which figures each one plots, built from the dashboards' data.

Pure: dashboard dataclasses in, ``insights.charts`` dataclasses out (no queries). The
numbers are the ones the dashboards already rounded, so each chart's ``data-value``
attributes match its table and the API exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from lineofsight.goals.pace import PaceStatus
from lineofsight.goals.scoring import Confidence, fmt, percent
from lineofsight.insights import charts

if TYPE_CHECKING:
    from lineofsight.insights.dashboards import (
        CompanyObjective,
        KeyResultFigures,
        SubjectRow,
        WeekPoint,
    )

SERIES_MARKERS = ("circle", "square", "diamond", "triangle")
STATUS_SEGMENTS = (
    charts.Segment("off_track", PaceStatus.OFF_TRACK.label, "cross"),
    charts.Segment("stale", "Stale (check-in overdue)", "dots"),
    charts.Segment("at_risk", PaceStatus.AT_RISK.label, "diagonal"),
    charts.Segment("pending", PaceStatus.PENDING.label, "horizontal"),
    charts.Segment("not_started", PaceStatus.NOT_STARTED.label, "solid"),
    charts.Segment("on_track", PaceStatus.ON_TRACK.label, "solid"),
)


def _confidence(value: str) -> str:
    try:
        return Confidence(value).label.lower()
    except ValueError:
        return "no confidence given"


def reading_note(
    item: KeyResultFigures,
    day: dt.date,
    value: float | None,
    done: bool | None,
    progress: float,
    confidence: str,
) -> str:
    kr = item.key_result
    milestone = kr.kind == "milestone"
    reading = ("done" if done else "not done") if milestone else fmt(value, kr.unit)
    return (
        f"{charts.day_label(day)}: {reading} ({percent(progress)} %), "
        f"{_confidence(confidence)}"
    )


def burn_up(
    item: KeyResultFigures, *, today: dt.date, compact: bool = False, prefix: str = "burnup"
) -> charts.LineChart:
    """A key result's progress over its cycle: each day's latest reading, the target, the
    success line of an aspirational objective, the even pace from start to target, and the
    forecast with its 80 % band from the last reading to the cycle's last day."""
    kr = item.key_result
    start, end = item.cycle_start, item.cycle_end
    readings = tuple(
        charts.Point(
            r.day, r.progress, reading_note(item, r.day, r.value, r.done, r.progress, r.confidence)
        )
        for r in item.readings
    )
    series = [charts.Series("readings", "Check-ins (progress)", readings, "line", "circle")]
    series.append(
        charts.Series(
            "target",
            "Target (100 %)",
            (charts.Point(start, 1.0), charts.Point(end, 1.0)),
            "reference",
            tag="Target",
        )
    )
    if item.success < 1.0:
        series.append(
            charts.Series(
                "success",
                f"Success for an aspirational objective ({percent(item.success)} %)",
                (charts.Point(start, item.success), charts.Point(end, item.success)),
                "reference",
                tag="Success",
            )
        )
    if item.is_paced:
        series.append(
            charts.Series(
                "even-pace",
                "Even pace",
                (charts.Point(start, 0.0), charts.Point(end, 1.0)),
                "reference",
            )
        )
    bands: tuple[charts.Band, ...] = ()
    forecast = item.forecast
    if forecast is not None and item.has_trend and readings:
        last = readings[-1]
        progress, low, high = forecast
        series.append(
            charts.Series(
                "forecast",
                "Forecast",
                (charts.Point(last.day, last.value), charts.Point(end, progress)),
                "projection",
            )
        )
        bands = (
            charts.Band(
                "forecast-band",
                "Forecast band (80 %)",
                (charts.Point(last.day, last.value), charts.Point(end, low)),
                (charts.Point(last.day, last.value), charts.Point(end, high)),
            ),
        )
    words = [
        f"{len(readings)} check-in day{'s' if len(readings) != 1 else ''}",
        f"now {percent(item.progress)} %",
        f"expected by today {percent(item.expected)} %",
    ]
    if forecast is not None:
        words.append(
            f"forecast {percent(forecast[0])} % on {charts.day_label(end)}"
            + (f" (band {percent(forecast[1])}-{percent(forecast[2])} %)" if bands else "")
        )
    summary = f"Burn-up of {kr.title}: " + ", ".join(words) + "."
    return charts.LineChart(
        chart_id=f"{prefix}-{kr.pk}",
        title=f"Burn-up: {kr.title}",
        description=(
            "Progress of each day's latest check-in from the cycle's first to its last day, "
            "against the target, the even pace and the forecast."
        ),
        start=start,
        end=end,
        series=tuple(series),
        bands=bands,
        today=today,
        summary=summary,
        width=420 if compact else 720,
        height=220 if compact else 280,
        compact=compact,
    )


def _week_series(key: str, label: str, weeks: Sequence[WeekPoint], attr: str,
                 marker: str, tone: int = 0) -> charts.Series:
    points = tuple(
        charts.Point(w.day, getattr(w, attr)) for w in weeks if getattr(w, attr) is not None
    )
    return charts.Series(key, label, points, "line", marker, tone)


def organisation_trend(
    row: SubjectRow, *, start: dt.date, end: dt.date, today: dt.date, chart_id: str
) -> charts.LineChart:
    """Weekly progress, check-in discipline and share of key results needing attention."""
    return charts.LineChart(
        chart_id=chart_id,
        title=f"{row.name} by week",
        description=(
            "Each week's mean progress, share of check-ins made on time, and share of key "
            "results at risk, off track or stale."
        ),
        start=start,
        end=end,
        series=(
            _week_series("progress", "Progress", row.weeks, "progress", "circle"),
            _week_series("discipline", "Check-ins on time", row.weeks, "discipline", "square"),
            _week_series(
                "attention", "Key results needing attention", row.weeks, "attention_share",
                "triangle",
            ),
        ),
        today=today,
    )


def company_trend(
    objectives: Sequence[CompanyObjective], *, start: dt.date, end: dt.date, today: dt.date
) -> charts.LineChart:
    series = tuple(
        _week_series(
            f"objective-{o.objective.pk}",
            o.objective.title,
            o.weeks,
            "progress",
            SERIES_MARKERS[i % len(SERIES_MARKERS)],
            tone=i % charts.TONES + 1,
        )
        for i, o in enumerate(objectives)
    )
    return charts.LineChart(
        chart_id="company-trend",
        title="Company objectives by week",
        description="The progress of each company objective at the end of every week.",
        start=start,
        end=end,
        series=series,
        today=today,
    )


def progress_bars(
    rows: Sequence[SubjectRow], *, expected: float, chart_id: str, title: str
) -> charts.BarChart:
    return charts.BarChart(
        chart_id=chart_id,
        title=title,
        description=(
            "Mean progress of the objectives each one owns, against the progress expected by "
            "today at an even pace."
        ),
        bars=tuple(charts.Bar(r.key, r.name, r.progress) for r in rows if r.progress is not None),
        reference=expected,
        reference_label="Expected by today",
    )


def status_bars(rows: Sequence[SubjectRow], *, chart_id: str, title: str) -> charts.StackedBarChart:
    return charts.StackedBarChart(
        chart_id=chart_id,
        title=title,
        description="How many key results are in each pace status, as a share of each bar.",
        segments=STATUS_SEGMENTS,
        rows=tuple(
            charts.StackedRow(r.key, r.name, tuple(float(v) for v in r.statuses.in_order()))
            for r in rows
        ),
    )


def progress_sparkline(row: SubjectRow, *, chart_id: str) -> charts.Sparkline:
    return charts.Sparkline(
        chart_id=chart_id,
        label=f"Progress of {row.name} by week",
        points=tuple(charts.Point(w.day, w.progress) for w in row.weeks if w.progress is not None),
    )
