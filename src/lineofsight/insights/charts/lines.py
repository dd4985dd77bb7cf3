"""Line charts over dates (weekly trends, burn-ups) with their legend, and sparklines.

Pure, like the rest of ``insights.charts``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from lineofsight.core import words
from lineofsight.insights.charts.svg import (
    MARKERS,
    attr,
    check_format,
    data_value,
    day_label,
    draw_marker,
    format_value,
    nice_max,
    num,
    open_svg,
)

TONES = 6  # colours for series without one of their own (app: dashboards.css)


@dataclass(frozen=True)
class Point:
    day: dt.date
    value: float
    note: str = ""  # the tooltip; by default "<day>: <value>"


@dataclass(frozen=True)
class Series:
    """One line. ``kind``: ``line`` (readings, with markers), ``reference`` (a target or an
    even-pace line: dashed, its ends marked), ``projection`` (dotted, ends marked).

    ``tone`` (1-6) picks the colour of a series that has no colour of its own (one of several
    objectives): chart and legend carry the same ``tone-<n>`` class, so the stylesheet colours
    both from one rule. 0 leaves the colour to the series' key (``series-<key>``)."""

    key: str
    label: str
    points: tuple[Point, ...]
    kind: str = "line"
    marker: str = "circle"
    tone: int = 0
    tag: str = ""  # a short name written on the chart at the line's right end ("Target")

    @property
    def css(self) -> str:
        tone = f" tone-{self.tone}" if self.tone else ""
        return f"series-{attr(self.key)} series-kind-{self.kind}{tone}"

    def __post_init__(self) -> None:
        if self.kind not in ("line", "reference", "projection"):
            raise ValueError(f"unknown series kind {self.kind!r}")
        if self.marker not in MARKERS:
            raise ValueError(f"unknown marker {self.marker!r}")
        if not 0 <= self.tone <= TONES:
            raise ValueError(f"tone must be 0 to {TONES}, not {self.tone}")


@dataclass(frozen=True)
class Band:
    """A shaded range between two lines (the forecast's 80 % band)."""

    key: str
    label: str
    lower: tuple[Point, ...]
    upper: tuple[Point, ...]


@dataclass(frozen=True)
class LineChart:
    chart_id: str
    title: str
    description: str
    start: dt.date
    end: dt.date
    series: tuple[Series, ...]
    bands: tuple[Band, ...] = ()
    value_format: str = "percent"
    unit: str = ""
    y_min: float = 0.0
    y_max: float | None = None  # None: 1.0 for percentages, else the largest value
    today: dt.date | None = None
    summary: str = ""  # the aria-label; built from the series when empty
    width: int = 640
    height: int = 240
    compact: bool = False  # small multiples: fewer ticks


@dataclass(frozen=True)
class _Frame:
    left: float
    right: float
    top: float
    bottom: float
    start: dt.date
    end: dt.date
    y_min: float
    y_max: float

    def x(self, day: dt.date) -> float:
        span = max(1, (self.end - self.start).days)
        share = (day - self.start).days / span
        return self.left + min(1.0, max(0.0, share)) * (self.right - self.left)

    def y(self, value: float) -> float:
        span = self.y_max - self.y_min
        share = (value - self.y_min) / span if span > 0 else 0.0
        share = min(1.0, max(0.0, share))
        return self.bottom - share * (self.bottom - self.top)


def _y_ticks(frame: _Frame, kind: str, compact: bool) -> list[float]:
    count = 2 if compact else 4
    step = (frame.y_max - frame.y_min) / count
    return [frame.y_min + step * i for i in range(count + 1)]


def _x_ticks(start: dt.date, end: dt.date, compact: bool) -> list[dt.date]:
    """The first day of each month inside the range, plus the two ends."""
    days = (end - start).days
    ticks = [start]
    if days <= 45:
        step = 14 if compact else 7
        ticks += [start + dt.timedelta(days=d) for d in range(step, days - 3, step)]
    else:
        gap = 14 if compact else 7  # room for the labels of neighbouring ticks
        month = dt.date(start.year, start.month, 1)
        while True:
            month = dt.date(month.year + (month.month // 12), month.month % 12 + 1, 1)
            if month >= end:
                break
            if (month - start).days >= gap and (end - month).days >= gap:
                ticks.append(month)
    if end != start:
        ticks.append(end)
    return ticks


def _default_summary(chart: LineChart) -> str:
    parts = []
    for s in chart.series:
        if not s.points:
            continue
        first, last = s.points[0], s.points[-1]
        f = format_value(first.value, chart.value_format, chart.unit)
        t = format_value(last.value, chart.value_format, chart.unit)
        if s.kind == "reference":
            if first.value == last.value:
                parts.append(f"{s.label}: {t}")
            else:
                parts.append(f"{s.label}: from {f} to {t}")
        elif len(s.points) == 1:
            parts.append(f"{s.label}: {t} on {day_label(last.day)}")
        else:
            parts.append(
                f"{s.label}: from {f} on {day_label(first.day)} to {t} on {day_label(last.day)}"
            )
    for band in chart.bands:
        if band.lower and band.upper:
            lo = format_value(band.lower[-1].value, chart.value_format, chart.unit)
            hi = format_value(band.upper[-1].value, chart.value_format, chart.unit)
            parts.append(f"{band.label}: {lo} to {hi} on {day_label(band.upper[-1].day)}")
    body = "; ".join(parts) if parts else "no figures yet"
    return f"{words.sentence(chart.title)} {body}."


def line_chart(chart: LineChart) -> str:
    """A line chart over dates, with optional bands, reference lines and a "today" mark."""
    check_format(chart.value_format)
    values = [p.value for s in chart.series for p in s.points]
    values += [p.value for b in chart.bands for p in (*b.lower, *b.upper)]
    if chart.y_max is not None:
        y_max = chart.y_max
    elif chart.value_format == "percent":
        y_max = 1.0
    else:
        y_max = nice_max(max(values, default=1.0))
    y_min = min(chart.y_min, min(values, default=chart.y_min))
    if chart.value_format != "percent" and y_min < chart.y_min:
        y_min = -nice_max(-y_min)
    width, height = chart.width, chart.height
    left, bottom_pad = 46.0, 26.0
    frame = _Frame(
        left, width - 12.0, 12.0, height - bottom_pad, chart.start, chart.end, y_min, y_max
    )
    label = chart.summary or _default_summary(chart)
    out = open_svg(chart.chart_id, "line", width, height, chart.title, chart.description, label)

    # Grid and axes: decoration only, hidden from assistive technology.
    grid = ['<g class="chart-grid" aria-hidden="true">']
    for tick in _y_ticks(frame, chart.value_format, chart.compact):
        y = frame.y(tick)
        grid.append(
            f'<line x1="{num(frame.left)}" y1="{num(y)}" x2="{num(frame.right)}" '
            f'y2="{num(y)}"/>'
        )
        grid.append(
            f'<text class="tick-y" x="{num(frame.left - 6)}" y="{num(y + 4)}" '
            f'text-anchor="end">{escape(format_value(tick, chart.value_format, chart.unit))}'
            "</text>"
        )
    for day in _x_ticks(chart.start, chart.end, chart.compact):
        x = frame.x(day)
        grid.append(
            f'<line class="tick-x" x1="{num(x)}" y1="{num(frame.bottom)}" x2="{num(x)}" '
            f'y2="{num(frame.bottom + 4)}"/>'
        )
        anchor = "start" if day == chart.start else "end" if day == chart.end else "middle"
        grid.append(
            f'<text class="tick-x" x="{num(x)}" y="{num(frame.bottom + 17)}" '
            f'text-anchor="{anchor}">{escape(day_label(day))}</text>'
        )
    grid.append(
        f'<line class="axis" x1="{num(frame.left)}" y1="{num(frame.bottom)}" '
        f'x2="{num(frame.right)}" y2="{num(frame.bottom)}"/>'
    )
    grid.append(
        f'<line class="axis" x1="{num(frame.left)}" y1="{num(frame.top)}" '
        f'x2="{num(frame.left)}" y2="{num(frame.bottom)}"/>'
    )
    for s in chart.series:
        if s.tag and s.points:
            last = s.points[-1]
            y = frame.y(last.value)
            y = y + 15 if y - frame.top < 14 else y - 5  # under a line at the top, else over it
            grid.append(
                f'<text class="series-tag series-{attr(s.key)}" x="{num(frame.x(last.day) - 4)}" '
                f'y="{num(y)}" text-anchor="end">{escape(s.tag)}</text>'
            )
    grid.append("</g>")
    out += grid

    if chart.today is not None and chart.start <= chart.today <= chart.end:
        x = frame.x(chart.today)
        out.append(
            f'<g class="chart-today" aria-hidden="true"><line x1="{num(x)}" '
            f'y1="{num(frame.top)}" x2="{num(x)}" y2="{num(frame.bottom)}"/>'
            + (
                f'<text x="{num(x - 3)}" y="{num(frame.bottom - 6)}" text-anchor="end">Today</text>'
                if x > frame.left + 0.75 * (frame.right - frame.left)
                else f'<text x="{num(x + 3)}" y="{num(frame.bottom - 6)}">Today</text>'
            )
            + "</g>"
        )

    for band in chart.bands:
        if not band.lower or not band.upper:
            continue
        outline = [(frame.x(p.day), frame.y(p.value)) for p in band.upper]
        outline += [(frame.x(p.day), frame.y(p.value)) for p in reversed(band.lower)]
        coords = " ".join(f"{num(x)},{num(y)}" for x, y in outline)
        low, high = band.lower[-1], band.upper[-1]
        tip = (
            f"{band.label}: {format_value(low.value, chart.value_format, chart.unit)} to "
            f"{format_value(high.value, chart.value_format, chart.unit)} on {day_label(high.day)}"
        )
        out.append(
            f'<polygon class="chart-band band-{attr(band.key)}" points="{coords}" '
            f'data-series="{attr(band.key)}" data-low="{data_value(low.value)}" '
            f'data-high="{data_value(high.value)}" data-day="{high.day.isoformat()}">'
            f"<title>{escape(tip)}</title></polygon>"
        )

    size = 2.2 if chart.compact else 3.6
    for s in chart.series:
        if not s.points:
            continue
        key = attr(s.key)
        out.append(f'<g class="chart-series {s.css}" data-series="{key}">')
        coords = " ".join(f"{num(frame.x(p.day))},{num(frame.y(p.value))}" for p in s.points)
        if len(s.points) > 1:
            out.append(f'<polyline class="line" points="{coords}" fill="none"/>')
        shown = s.points if s.kind == "line" else (s.points[0], s.points[-1])
        if s.kind != "line" and len(s.points) == 1:
            shown = s.points
        marker = s.marker if s.kind == "line" else "none"
        for p in shown:
            tip = p.note or (
                f"{s.label}, {day_label(p.day)}: "
                f"{format_value(p.value, chart.value_format, chart.unit)}"
            )
            attrs = (
                f'data-series="{key}" data-value="{data_value(p.value)}" '
                f'data-day="{p.day.isoformat()}"'
            )
            out.append(draw_marker(marker, frame.x(p.day), frame.y(p.value), size, attrs, tip))
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def legend(chart: LineChart) -> str:
    """The key to a line chart, as an HTML list (line style and marker beside each name)."""
    items = []
    for s in chart.series:
        dash = {"reference": "5 4", "projection": "2 3"}.get(s.kind, "")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        marker = "" if s.kind != "line" else draw_marker(s.marker, 14, 7, 3.4, "", s.label)
        items.append(
            f'<li class="legend-item {s.css}" data-series="{attr(s.key)}">'
            f'<svg class="legend-swatch" viewBox="0 0 28 14" width="28" height="14" '
            f'aria-hidden="true"><line class="line" x1="1" y1="7" x2="27" y2="7"{dash_attr}/>'
            f"{marker}</svg>{escape(s.label)}</li>"
        )
    for band in chart.bands:
        items.append(
            f'<li class="legend-item band-{attr(band.key)}" data-series="{attr(band.key)}">'
            f'<svg class="legend-swatch" '
            f'viewBox="0 0 28 14" width="28" height="14" aria-hidden="true">'
            f'<rect class="chart-band band-{attr(band.key)}" x="1" y="2" width="26" '
            f'height="10"/></svg>{escape(band.label)}</li>'
        )
    return f'<ul class="chart-legend" data-chart="{attr(chart.chart_id)}">{"".join(items)}</ul>'


# ---------------------------------------------------------------------------------------
# Sparklines


@dataclass(frozen=True)
class Sparkline:
    chart_id: str
    label: str  # what the values are ("Progress by week")
    points: tuple[Point, ...]
    value_format: str = "percent"
    y_max: float | None = None
    width: int = 120
    height: int = 28


def sparkline(chart: Sparkline) -> str:
    """A word-sized line: every value marked (and carrying ``data-value``), the last one
    larger; the aria-label reads the first and last values."""
    check_format(chart.value_format)
    values = [p.value for p in chart.points]
    y_max = chart.y_max
    if y_max is None:
        y_max = 1.0 if chart.value_format == "percent" else nice_max(max(values, default=1.0))
    if chart.points:
        first, last = chart.points[0], chart.points[-1]
        words = (
            f"{chart.label}: {format_value(last.value, chart.value_format)} on "
            f"{day_label(last.day)}"
            if len(chart.points) == 1
            else f"{chart.label}: from {format_value(first.value, chart.value_format)} on "
            f"{day_label(first.day)} to {format_value(last.value, chart.value_format)} on "
            f"{day_label(last.day)}"
        )
        start, end = first.day, last.day
    else:
        words = f"{chart.label}: no figures yet"
        start = end = dt.date(2000, 1, 1)
    frame = _Frame(3.0, chart.width - 4.0, 3.0, chart.height - 3.0, start, end, 0.0, y_max)
    out = open_svg(chart.chart_id, "spark", chart.width, chart.height, chart.label, words, words)
    if len(chart.points) > 1:
        coords = " ".join(f"{num(frame.x(p.day))},{num(frame.y(p.value))}" for p in chart.points)
        out.append(f'<polyline class="line" points="{coords}" fill="none"/>')
    for i, p in enumerate(chart.points):
        last_one = i == len(chart.points) - 1
        tip = f"{day_label(p.day)}: {format_value(p.value, chart.value_format)}"
        out.append(
            draw_marker(
                "circle",
                frame.x(p.day) if len(chart.points) > 1 else chart.width / 2,
                frame.y(p.value),
                2.4 if last_one else 1.3,
                f'data-value="{data_value(p.value)}" data-day="{p.day.isoformat()}"',
                tip,
            )
        )
    out.append("</svg>")
    return "".join(out)
