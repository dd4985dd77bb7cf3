"""What every chart shares: numbers rounded and written once, the words of dates and values,
and the SVG primitives (the opening element with its title and description, markers).

Pure, like the rest of ``insights.charts``."""

from __future__ import annotations

import datetime as dt
import math
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


# ---------------------------------------------------------------------------------------
# SVG primitives


def attr(value: object) -> str:
    return escape(str(value), quote=True)


def num(value: float) -> str:
    """A coordinate: two decimals are finer than any screen."""
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def check_format(kind: str) -> None:
    if kind not in FORMATS:
        raise ValueError(f"value_format must be one of {FORMATS}, not {kind!r}")


def open_svg(
    chart_id: str, kind: str, width: int, height: int, title: str, desc: str, label: str
) -> list[str]:
    cid = attr(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" id="{cid}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{attr(label)}" aria-describedby="{cid}-desc" data-chart="{kind}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]


def draw_marker(shape: str, x: float, y: float, size: float, attrs: str, tip: str) -> str:
    """One plotted value: a shape at (x, y) carrying its data attributes and a tooltip."""
    title = f"<title>{escape(tip)}</title>"
    if shape == "square":
        s = size * 0.9
        return (
            f'<rect class="marker" x="{num(x - s)}" y="{num(y - s)}" width="{num(2 * s)}" '
            f'height="{num(2 * s)}" {attrs}>{title}</rect>'
        )
    if shape == "diamond":
        d = size * 1.25
        path = (
            f"M{num(x)} {num(y - d)}L{num(x + d)} {num(y)}L{num(x)} {num(y + d)}"
            f"L{num(x - d)} {num(y)}Z"
        )
        return f'<path class="marker" d="{path}" {attrs}>{title}</path>'
    if shape == "triangle":
        d = size * 1.3
        path = (
            f"M{num(x)} {num(y - d)}L{num(x + d)} {num(y + d * 0.8)}"
            f"L{num(x - d)} {num(y + d * 0.8)}Z"
        )
        return f'<path class="marker" d="{path}" {attrs}>{title}</path>'
    radius = size if shape == "circle" else size * 0.6
    css = "marker" if shape == "circle" else "marker marker-none"
    return (
        f'<circle class="{css}" cx="{num(x)}" cy="{num(y)}" r="{num(radius)}" {attrs}>'
        f"{title}</circle>"
    )



def nice_max(value: float) -> float:
    """A round number at or above ``value`` for the top of a number axis."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * magnitude + 1e-12:
            return step * magnitude
    return 10 * magnitude


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
