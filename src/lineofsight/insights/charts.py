"""Charts as inline SVG, drawn on the server: line and burn-up charts, bars, stacked bars and
sparklines.

Pure: plain dataclasses in, SVG markup (a ``str``) out; no Django, no database, no
JavaScript, nothing fetched from anywhere, so the charts work on a server with no internet
access and print like the rest of the page. Every text that comes from data is escaped here.

Accessibility and testability are part of the contract:

* every chart is an ``<svg role="img">`` with a ``<title>``, a ``<desc>`` and an
  ``aria-label`` that states the figures in words (the page puts the same numbers in a table
  next to the chart, or behind a "show the numbers" disclosure);
* series are told apart by marker shape and line style as well as colour (stacked bars by
  fill pattern and by the count written inside each segment), never by colour alone;
* every plotted value carries its number in a ``data-value`` attribute, written by
  ``data_value`` exactly as the table cells and the API carry it, so a test can check that
  chart, table and API show the same numbers.

Colours come from the page's stylesheet through class names (``series-<key>``,
``segment-<key>``), so the module holds no palette.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from lineofsight.goals.scoring import fmt, percent

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MARKERS = ("circle", "square", "diamond", "triangle", "none")
FORMATS = ("percent", "number", "count")
DECIMALS = 4  # every figure a dashboard shows is rounded to this many decimals


# ---------------------------------------------------------------------------------------
# Numbers and words


def figure(value: float) -> float:
    """A dashboard figure rounded once, so chart, table and API carry the same number."""
    return round(float(value), DECIMALS)


def data_value(value: float) -> str:
    """The canonical text of a plotted number (``0.6234``, ``1``, ``12``)."""
    number = figure(value)
    if number == 0:
        return "0"  # no "-0"
    text = f"{number:.{DECIMALS}f}".rstrip("0").rstrip(".")
    return text


def day_label(day: dt.date) -> str:
    """``5 Oct``: the same in every locale."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def format_value(value: float, kind: str, unit: str = "") -> str:
    """How a value reads in tooltips, labels and summaries."""
    if kind == "percent":
        return f"{percent(value)} %"
    if kind == "count":
        return f"{int(round(value)):,}"
    return fmt(figure(value), unit)


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    """A coordinate: two decimals are finer than any screen."""
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def _check_format(kind: str) -> None:
    if kind not in FORMATS:
        raise ValueError(f"value_format must be one of {FORMATS}, not {kind!r}")


def _open_svg(
    chart_id: str, kind: str, width: int, height: int, title: str, desc: str, label: str
) -> list[str]:
    cid = _attr(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" id="{cid}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{_attr(label)}" aria-describedby="{cid}-desc" data-chart="{kind}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]


def _marker(shape: str, x: float, y: float, size: float, attrs: str, tip: str) -> str:
    """One plotted value: a shape at (x, y) carrying its data attributes and a tooltip."""
    title = f"<title>{escape(tip)}</title>"
    if shape == "square":
        s = size * 0.9
        return (
            f'<rect class="marker" x="{_num(x - s)}" y="{_num(y - s)}" width="{_num(2 * s)}" '
            f'height="{_num(2 * s)}" {attrs}>{title}</rect>'
        )
    if shape == "diamond":
        d = size * 1.25
        path = (
            f"M{_num(x)} {_num(y - d)}L{_num(x + d)} {_num(y)}L{_num(x)} {_num(y + d)}"
            f"L{_num(x - d)} {_num(y)}Z"
        )
        return f'<path class="marker" d="{path}" {attrs}>{title}</path>'
    if shape == "triangle":
        d = size * 1.3
        path = (
            f"M{_num(x)} {_num(y - d)}L{_num(x + d)} {_num(y + d * 0.8)}"
            f"L{_num(x - d)} {_num(y + d * 0.8)}Z"
        )
        return f'<path class="marker" d="{path}" {attrs}>{title}</path>'
    radius = size if shape == "circle" else size * 0.6
    css = "marker" if shape == "circle" else "marker marker-none"
    return (
        f'<circle class="{css}" cx="{_num(x)}" cy="{_num(y)}" r="{_num(radius)}" {attrs}>'
        f"{title}</circle>"
    )


# ---------------------------------------------------------------------------------------
# Line charts (trends, burn-ups)


@dataclass(frozen=True)
class Point:
    day: dt.date
    value: float
    note: str = ""  # the tooltip; by default "<day>: <value>"


@dataclass(frozen=True)
class Series:
    """One line. ``kind``: ``line`` (readings, with markers), ``reference`` (a target or an
    even-pace line: dashed, its ends marked), ``projection`` (dotted, ends marked)."""

    key: str
    label: str
    points: tuple[Point, ...]
    kind: str = "line"
    marker: str = "circle"

    def __post_init__(self) -> None:
        if self.kind not in ("line", "reference", "projection"):
            raise ValueError(f"unknown series kind {self.kind!r}")
        if self.marker not in MARKERS:
            raise ValueError(f"unknown marker {self.marker!r}")


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
    compact: bool = False  # small multiples: fewer ticks, no axis titles


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


def _nice_max(value: float) -> float:
    """A round number at or above ``value`` for the top of a number axis."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * magnitude + 1e-12:
            return step * magnitude
    return 10 * magnitude


def _y_ticks(frame: _Frame, kind: str, compact: bool) -> list[float]:
    count = 2 if compact else 4
    step = (frame.y_max - frame.y_min) / count
    return [frame.y_min + step * i for i in range(count + 1)]


def _x_ticks(start: dt.date, end: dt.date, compact: bool) -> list[dt.date]:
    """The first day of each month inside the range, plus the two ends."""
    days = (end - start).days
    ticks = [start]
    if not compact:
        if days <= 45:
            step = 7
            ticks += [start + dt.timedelta(days=d) for d in range(step, days, step)]
        else:
            month = dt.date(start.year, start.month, 1)
            while True:
                month = dt.date(month.year + (month.month // 12), month.month % 12 + 1, 1)
                if month >= end:
                    break
                if (month - start).days >= 7 and (end - month).days >= 7:
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
    return f"{chart.title}. {body}."


def line_chart(chart: LineChart) -> str:
    """A line chart over dates, with optional bands, reference lines and a "today" mark."""
    _check_format(chart.value_format)
    values = [p.value for s in chart.series for p in s.points]
    values += [p.value for b in chart.bands for p in (*b.lower, *b.upper)]
    if chart.y_max is not None:
        y_max = chart.y_max
    elif chart.value_format == "percent":
        y_max = 1.0
    else:
        y_max = _nice_max(max(values, default=1.0))
    y_min = min(chart.y_min, min(values, default=chart.y_min))
    if chart.value_format != "percent" and y_min < chart.y_min:
        y_min = -_nice_max(-y_min)
    width, height = chart.width, chart.height
    left = 8.0 if chart.compact else 46.0
    bottom_pad = 6.0 if chart.compact else 26.0
    frame = _Frame(
        left, width - 10.0, 10.0, height - bottom_pad, chart.start, chart.end, y_min, y_max
    )
    label = chart.summary or _default_summary(chart)
    out = _open_svg(chart.chart_id, "line", width, height, chart.title, chart.description, label)

    # Grid and axes: decoration only, hidden from assistive technology.
    grid = ['<g class="chart-grid" aria-hidden="true">']
    for tick in _y_ticks(frame, chart.value_format, chart.compact):
        y = frame.y(tick)
        grid.append(
            f'<line x1="{_num(frame.left)}" y1="{_num(y)}" x2="{_num(frame.right)}" '
            f'y2="{_num(y)}"/>'
        )
        if not chart.compact:
            grid.append(
                f'<text class="tick-y" x="{_num(frame.left - 6)}" y="{_num(y + 4)}" '
                f'text-anchor="end">{escape(format_value(tick, chart.value_format, chart.unit))}'
                "</text>"
            )
    for day in _x_ticks(chart.start, chart.end, chart.compact):
        x = frame.x(day)
        grid.append(
            f'<line class="tick-x" x1="{_num(x)}" y1="{_num(frame.bottom)}" x2="{_num(x)}" '
            f'y2="{_num(frame.bottom + 4)}"/>'
        )
        if not chart.compact:
            anchor = "start" if day == chart.start else "end" if day == chart.end else "middle"
            grid.append(
                f'<text class="tick-x" x="{_num(x)}" y="{_num(frame.bottom + 17)}" '
                f'text-anchor="{anchor}">{escape(day_label(day))}</text>'
            )
    grid.append(
        f'<line class="axis" x1="{_num(frame.left)}" y1="{_num(frame.bottom)}" '
        f'x2="{_num(frame.right)}" y2="{_num(frame.bottom)}"/>'
    )
    grid.append("</g>")
    out += grid

    if chart.today is not None and chart.start <= chart.today <= chart.end:
        x = frame.x(chart.today)
        out.append(
            f'<g class="chart-today" aria-hidden="true"><line x1="{_num(x)}" '
            f'y1="{_num(frame.top)}" x2="{_num(x)}" y2="{_num(frame.bottom)}"/>'
            + (
                ""
                if chart.compact
                else f'<text x="{_num(x + 3)}" y="{_num(frame.top + 10)}">Today</text>'
            )
            + "</g>"
        )

    for band in chart.bands:
        if not band.lower or not band.upper:
            continue
        outline = [(frame.x(p.day), frame.y(p.value)) for p in band.upper]
        outline += [(frame.x(p.day), frame.y(p.value)) for p in reversed(band.lower)]
        coords = " ".join(f"{_num(x)},{_num(y)}" for x, y in outline)
        low, high = band.lower[-1], band.upper[-1]
        tip = (
            f"{band.label}: {format_value(low.value, chart.value_format, chart.unit)} to "
            f"{format_value(high.value, chart.value_format, chart.unit)} on {day_label(high.day)}"
        )
        out.append(
            f'<polygon class="chart-band band-{_attr(band.key)}" points="{coords}" '
            f'data-series="{_attr(band.key)}" data-low="{data_value(low.value)}" '
            f'data-high="{data_value(high.value)}" data-day="{high.day.isoformat()}">'
            f"<title>{escape(tip)}</title></polygon>"
        )

    size = 2.2 if chart.compact else 3.6
    for s in chart.series:
        if not s.points:
            continue
        key = _attr(s.key)
        out.append(
            f'<g class="chart-series series-{key} series-kind-{s.kind}" data-series="{key}">'
        )
        coords = " ".join(f"{_num(frame.x(p.day))},{_num(frame.y(p.value))}" for p in s.points)
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
            out.append(_marker(marker, frame.x(p.day), frame.y(p.value), size, attrs, tip))
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def legend(chart: LineChart) -> str:
    """The key to a line chart, as an HTML list (line style and marker beside each name)."""
    items = []
    for s in chart.series:
        dash = {"reference": "5 4", "projection": "2 3"}.get(s.kind, "")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        marker = "" if s.kind != "line" else _marker(s.marker, 14, 7, 3.4, "", s.label)
        items.append(
            f'<li class="legend-item series-{_attr(s.key)} series-kind-{s.kind}">'
            f'<svg class="legend-swatch" viewBox="0 0 28 14" width="28" height="14" '
            f'aria-hidden="true"><line class="line" x1="1" y1="7" x2="27" y2="7"{dash_attr}/>'
            f"{marker}</svg>{escape(s.label)}</li>"
        )
    for band in chart.bands:
        items.append(
            f'<li class="legend-item band-{_attr(band.key)}"><svg class="legend-swatch" '
            f'viewBox="0 0 28 14" width="28" height="14" aria-hidden="true">'
            f'<rect class="chart-band band-{_attr(band.key)}" x="1" y="2" width="26" '
            f'height="10"/></svg>{escape(band.label)}</li>'
        )
    return f'<ul class="chart-legend">{"".join(items)}</ul>'


# ---------------------------------------------------------------------------------------
# Bars


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    value: float


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one per row (a department's progress), its value written at the end;
    an optional reference line (the progress expected by today)."""

    chart_id: str
    title: str
    description: str
    bars: tuple[Bar, ...]
    value_format: str = "percent"
    max_value: float | None = None  # None: 1.0 for percentages, else the largest value
    reference: float | None = None
    reference_label: str = ""
    summary: str = ""
    width: int = 640
    label_width: int = 190
    row_height: int = 24


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_chart(chart: BarChart) -> str:
    _check_format(chart.value_format)
    top = 20 if chart.reference is not None else 6
    height = top + max(1, len(chart.bars)) * chart.row_height + 6
    if chart.max_value is not None:
        max_value = chart.max_value
    elif chart.value_format == "percent":
        max_value = 1.0
    else:
        max_value = _nice_max(max((b.value for b in chart.bars), default=1.0))
    left, right = float(chart.label_width), float(chart.width - 54)

    def x(value: float) -> float:
        share = value / max_value if max_value > 0 else 0.0
        return left + min(1.0, max(0.0, share)) * (right - left)

    parts = [
        f"{b.label} {format_value(b.value, chart.value_format)}" for b in chart.bars
    ]
    label = chart.summary or (
        f"{chart.title}. " + ("; ".join(parts) if parts else "no figures yet") + "."
    )
    out = _open_svg(
        chart.chart_id, "bars", chart.width, height, chart.title, chart.description, label
    )
    out.append(
        f'<g class="chart-grid" aria-hidden="true"><line class="axis" x1="{_num(left)}" '
        f'y1="{top - 2}" x2="{_num(left)}" y2="{height - 4}"/></g>'
    )
    limit = max(8, chart.label_width // 7)
    for i, bar in enumerate(chart.bars):
        y = top + i * chart.row_height
        text_value = format_value(bar.value, chart.value_format)
        out.append(
            f'<g class="bar-row" data-row="{_attr(bar.key)}">'
            f'<text class="bar-label" x="{_num(left - 8)}" y="{_num(y + chart.row_height * 0.62)}"'
            f' text-anchor="end">{escape(_truncate(bar.label, limit))}'
            f"<title>{escape(bar.label)}</title></text>"
            f'<rect class="bar" x="{_num(left)}" y="{_num(y + 4)}" '
            f'width="{_num(max(0.0, x(bar.value) - left))}" height="{chart.row_height - 8}" '
            f'data-value="{data_value(bar.value)}"><title>{escape(bar.label)}: '
            f"{escape(text_value)}</title></rect>"
            f'<text class="bar-value" x="{_num(x(bar.value) + 6)}" '
            f'y="{_num(y + chart.row_height * 0.62)}">{escape(text_value)}</text></g>'
        )
    if chart.reference is not None:
        rx = x(chart.reference)
        ref_text = f"{chart.reference_label}: {format_value(chart.reference, chart.value_format)}"
        out.append(
            f'<g class="chart-ref" data-series="reference" data-value="'
            f'{data_value(chart.reference)}"><line x1="{_num(rx)}" y1="{top - 4}" '
            f'x2="{_num(rx)}" y2="{height - 4}" stroke-dasharray="5 4"/>'
            f'<text x="{_num(min(rx, right - 60))}" y="{top - 8}" text-anchor="middle">'
            f"{escape(ref_text)}</text><title>{escape(ref_text)}</title></g>"
        )
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------------------------------
# Stacked bars


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    pattern: str = "solid"  # solid, diagonal, cross, dots, horizontal


PATTERNS = ("solid", "diagonal", "cross", "dots", "horizontal")


@dataclass(frozen=True)
class StackedRow:
    key: str
    label: str
    values: tuple[float, ...]  # one per segment, in the chart's segment order


@dataclass(frozen=True)
class StackedBarChart:
    """Horizontal bars split into segments (how many key results are in each status). With
    ``normalise`` each bar spans the full width (shares); the counts are written inside."""

    chart_id: str
    title: str
    description: str
    segments: tuple[Segment, ...]
    rows: tuple[StackedRow, ...]
    normalise: bool = True
    summary: str = ""
    width: int = 640
    label_width: int = 190
    row_height: int = 26


def _pattern_defs(chart_id: str, segments: Sequence[Segment]) -> str:
    defs = []
    for seg in segments:
        if seg.pattern == "solid":
            continue
        pid = f"{chart_id}-pattern-{seg.key}"
        shape = {
            "diagonal": '<path d="M0 6L6 0M-1 1L1 -1M5 7L7 5"/>',
            "cross": '<path d="M0 0L6 6M6 0L0 6"/>',
            "dots": '<circle cx="3" cy="3" r="1.1"/>',
            "horizontal": '<path d="M0 3L6 3"/>',
        }[seg.pattern]
        defs.append(
            f'<pattern id="{_attr(pid)}" class="pattern segment-{_attr(seg.key)}" width="6" '
            f'height="6" patternUnits="userSpaceOnUse"><rect class="pattern-ground" width="6" '
            f'height="6"/>{shape}</pattern>'
        )
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def _pattern_fill(chart_id: str, seg: Segment) -> str:
    """A style attribute filling with the segment's pattern (a style, so the stylesheet's
    segment colour does not override it)."""
    if seg.pattern == "solid":
        return ""
    return f' style="fill: url(#{_attr(chart_id)}-pattern-{_attr(seg.key)})"'


def stacked_bar_chart(chart: StackedBarChart) -> str:
    for seg in chart.segments:
        if seg.pattern not in PATTERNS:
            raise ValueError(f"unknown pattern {seg.pattern!r}")
    for row in chart.rows:
        if len(row.values) != len(chart.segments):
            raise ValueError(f"row {row.key!r} needs one value per segment")
    height = 6 + max(1, len(chart.rows)) * chart.row_height + 6
    left, right = float(chart.label_width), float(chart.width - 10)
    biggest = max((sum(r.values) for r in chart.rows), default=0.0)
    parts = []
    for row in chart.rows:
        counts = ", ".join(
            f"{format_value(v, 'count')} {seg.label.lower()}"
            for seg, v in zip(chart.segments, row.values, strict=True)
            if v
        )
        parts.append(f"{row.label}: {counts or 'none'}")
    label = chart.summary or (
        f"{chart.title}. " + ("; ".join(parts) if parts else "no figures yet") + "."
    )
    out = _open_svg(
        chart.chart_id, "stacked", chart.width, height, chart.title, chart.description, label
    )
    out.append(_pattern_defs(chart.chart_id, chart.segments))
    limit = max(8, chart.label_width // 7)
    for i, row in enumerate(chart.rows):
        y = 6 + i * chart.row_height
        total = sum(row.values)
        scale = total if chart.normalise else biggest
        out.append(
            f'<g class="bar-row" data-row="{_attr(row.key)}">'
            f'<text class="bar-label" x="{_num(left - 8)}" y="{_num(y + chart.row_height * 0.62)}"'
            f' text-anchor="end">{escape(_truncate(row.label, limit))}'
            f"<title>{escape(row.label)}</title></text>"
        )
        x = left
        for seg, value in zip(chart.segments, row.values, strict=True):
            share = value / scale if scale > 0 else 0.0
            w = share * (right - left)
            fill = _pattern_fill(chart.chart_id, seg)
            tip = f"{row.label}: {format_value(value, 'count')} {seg.label.lower()}"
            if total > 0:
                tip += f" ({percent(value / total)} %)"
            out.append(
                f'<rect class="segment segment-{_attr(seg.key)}" x="{_num(x)}" '
                f'y="{_num(y + 3)}" width="{_num(w)}" height="{chart.row_height - 6}"{fill} '
                f'data-segment="{_attr(seg.key)}" data-value="{data_value(value)}">'
                f"<title>{escape(tip)}</title></rect>"
            )
            if value and w >= 8 * len(format_value(value, "count")) + 6:
                out.append(
                    f'<text class="segment-count" x="{_num(x + w / 2)}" '
                    f'y="{_num(y + chart.row_height * 0.64)}" text-anchor="middle" '
                    f'aria-hidden="true">{escape(format_value(value, "count"))}</text>'
                )
            x += w
        if total == 0:
            out.append(
                f'<text class="bar-empty" x="{_num(left + 4)}" '
                f'y="{_num(y + chart.row_height * 0.62)}">none</text>'
            )
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def stacked_legend(chart: StackedBarChart) -> str:
    items = []
    for seg in chart.segments:
        fill = _pattern_fill(chart.chart_id, seg)
        items.append(
            f'<li class="legend-item segment-{_attr(seg.key)}"><svg class="legend-swatch" '
            f'viewBox="0 0 16 14" width="16" height="14" aria-hidden="true">'
            f'<rect class="segment segment-{_attr(seg.key)}" x="1" y="1" width="14" '
            f'height="12"{fill}/></svg>{escape(seg.label)}</li>'
        )
    return f'<ul class="chart-legend">{"".join(items)}</ul>'


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
    _check_format(chart.value_format)
    values = [p.value for p in chart.points]
    y_max = chart.y_max
    if y_max is None:
        y_max = 1.0 if chart.value_format == "percent" else _nice_max(max(values, default=1.0))
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
    out = _open_svg(chart.chart_id, "spark", chart.width, chart.height, chart.label, words, words)
    if len(chart.points) > 1:
        coords = " ".join(f"{_num(frame.x(p.day))},{_num(frame.y(p.value))}" for p in chart.points)
        out.append(f'<polyline class="line" points="{coords}" fill="none"/>')
    for i, p in enumerate(chart.points):
        last_one = i == len(chart.points) - 1
        tip = f"{day_label(p.day)}: {format_value(p.value, chart.value_format)}"
        out.append(
            _marker(
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
