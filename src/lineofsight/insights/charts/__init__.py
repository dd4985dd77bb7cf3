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

The package is split by concept: ``svg`` (numbers, words and SVG primitives), ``lines`` (line
charts, burn-ups, sparklines) and ``bars`` (bars and stacked bars); everything public is
importable from here.
"""

from lineofsight.insights.charts.bars import (
    PATTERNS,
    Bar,
    BarChart,
    Segment,
    StackedBarChart,
    StackedRow,
    bar_chart,
    stacked_bar_chart,
    stacked_legend,
)
from lineofsight.insights.charts.lines import (
    TONES,
    Band,
    LineChart,
    Point,
    Series,
    Sparkline,
    legend,
    line_chart,
    sparkline,
)
from lineofsight.insights.charts.svg import (
    DECIMALS,
    FORMATS,
    MARKERS,
    MONTHS,
    data_value,
    day_label,
    figure,
    format_value,
)

__all__ = [
    "DECIMALS",
    "FORMATS",
    "MARKERS",
    "MONTHS",
    "PATTERNS",
    "TONES",
    "Band",
    "Bar",
    "BarChart",
    "LineChart",
    "Point",
    "Segment",
    "Series",
    "Sparkline",
    "StackedBarChart",
    "StackedRow",
    "bar_chart",
    "data_value",
    "day_label",
    "figure",
    "format_value",
    "legend",
    "line_chart",
    "sparkline",
    "stacked_bar_chart",
    "stacked_legend",
]
