"""Bar charts (one bar per row, with an optional reference line) and stacked bar charts
(a bar per row split into segments, told apart by fill pattern), with their legend.

Pure, like the rest of ``insights.charts``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from lineofsight.goals.scoring import percent
from lineofsight.insights.charts.svg import (
    attr,
    check_format,
    data_value,
    format_value,
    nice_max,
    num,
    open_svg,
    truncate,
)


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


def bar_chart(chart: BarChart) -> str:
    check_format(chart.value_format)
    top = 20 if chart.reference is not None else 6
    height = top + max(1, len(chart.bars)) * chart.row_height + 6
    if chart.max_value is not None:
        max_value = chart.max_value
    elif chart.value_format == "percent":
        max_value = 1.0
    else:
        max_value = nice_max(max((b.value for b in chart.bars), default=1.0))
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
    out = open_svg(
        chart.chart_id, "bars", chart.width, height, chart.title, chart.description, label
    )
    out.append(
        f'<g class="chart-grid" aria-hidden="true"><line class="axis" x1="{num(left)}" '
        f'y1="{top - 2}" x2="{num(left)}" y2="{height - 4}"/></g>'
    )
    limit = max(8, chart.label_width // 7)
    for i, bar in enumerate(chart.bars):
        y = top + i * chart.row_height
        text_value = format_value(bar.value, chart.value_format)
        out.append(
            f'<g class="bar-row" data-row="{attr(bar.key)}">'
            f'<text class="bar-label" x="{num(left - 8)}" y="{num(y + chart.row_height * 0.62)}"'
            f' text-anchor="end">{escape(truncate(bar.label, limit))}'
            f"<title>{escape(bar.label)}</title></text>"
            f'<rect class="bar" x="{num(left)}" y="{num(y + 4)}" '
            f'width="{num(max(0.0, x(bar.value) - left))}" height="{chart.row_height - 8}" '
            f'data-value="{data_value(bar.value)}"><title>{escape(bar.label)}: '
            f"{escape(text_value)}</title></rect>"
            f'<text class="bar-value" x="{num(x(bar.value) + 6)}" '
            f'y="{num(y + chart.row_height * 0.62)}">{escape(text_value)}</text></g>'
        )
    if chart.reference is not None:
        rx = x(chart.reference)
        ref_text = f"{chart.reference_label}: {format_value(chart.reference, chart.value_format)}"
        out.append(
            f'<g class="chart-ref" data-series="reference" data-value="'
            f'{data_value(chart.reference)}"><line x1="{num(rx)}" y1="{top - 4}" '
            f'x2="{num(rx)}" y2="{height - 4}" stroke-dasharray="5 4"/>'
            f'<text x="{num(min(rx, right - 60))}" y="{top - 8}" text-anchor="middle">'
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
            f'<pattern id="{attr(pid)}" class="pattern segment-{attr(seg.key)}" width="6" '
            f'height="6" patternUnits="userSpaceOnUse"><rect class="pattern-ground" width="6" '
            f'height="6"/>{shape}</pattern>'
        )
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def _segment_attrs(chart_id: str, seg: Segment) -> str:
    """The class of a segment's shape, and its pattern as a fill attribute: the stylesheet
    gives the solid colour only to segments that have no pattern (``.patterned`` ones keep
    this attribute), and a style attribute would break the Content-Security-Policy."""
    if seg.pattern == "solid":
        return f'class="segment segment-{attr(seg.key)}"'
    return (
        f'class="segment segment-{attr(seg.key)} patterned" '
        f'fill="url(#{attr(chart_id)}-pattern-{attr(seg.key)})"'
    )


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
    out = open_svg(
        chart.chart_id, "stacked", chart.width, height, chart.title, chart.description, label
    )
    out.append(_pattern_defs(chart.chart_id, chart.segments))
    limit = max(8, chart.label_width // 7)
    for i, row in enumerate(chart.rows):
        y = 6 + i * chart.row_height
        total = sum(row.values)
        scale = total if chart.normalise else biggest
        out.append(
            f'<g class="bar-row" data-row="{attr(row.key)}">'
            f'<text class="bar-label" x="{num(left - 8)}" y="{num(y + chart.row_height * 0.62)}"'
            f' text-anchor="end">{escape(truncate(row.label, limit))}'
            f"<title>{escape(row.label)}</title></text>"
        )
        x = left
        for seg, value in zip(chart.segments, row.values, strict=True):
            share = value / scale if scale > 0 else 0.0
            w = share * (right - left)
            shape = _segment_attrs(chart.chart_id, seg)
            tip = f"{row.label}: {format_value(value, 'count')} {seg.label.lower()}"
            if total > 0:
                tip += f" ({percent(value / total)} %)"
            out.append(
                f'<rect {shape} x="{num(x)}" '
                f'y="{num(y + 3)}" width="{num(w)}" height="{chart.row_height - 6}" '
                f'data-segment="{attr(seg.key)}" data-value="{data_value(value)}">'
                f"<title>{escape(tip)}</title></rect>"
            )
            if value and w >= 8 * len(format_value(value, "count")) + 6:
                out.append(
                    f'<text class="segment-count" x="{num(x + w / 2)}" '
                    f'y="{num(y + chart.row_height * 0.64)}" text-anchor="middle" '
                    f'aria-hidden="true">{escape(format_value(value, "count"))}</text>'
                )
            x += w
        if total == 0:
            out.append(
                f'<text class="bar-empty" x="{num(left + 4)}" '
                f'y="{num(y + chart.row_height * 0.62)}">none</text>'
            )
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def stacked_legend(chart: StackedBarChart) -> str:
    items = []
    for seg in chart.segments:
        shape = _segment_attrs(chart.chart_id, seg)
        items.append(
            f'<li class="legend-item segment-{attr(seg.key)}" data-series="{attr(seg.key)}">'
            f'<svg class="legend-swatch" '
            f'viewBox="0 0 16 14" width="16" height="14" aria-hidden="true">'
            f'<rect {shape} x="1" y="1" width="14" '
            f'height="12"/></svg>{escape(seg.label)}</li>'
        )
    return f'<ul class="chart-legend" data-chart="{attr(chart.chart_id)}">{"".join(items)}</ul>'
