"""Charts (insights.charts): inline SVG, accessible, with every plotted value in data-value."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineofsight.insights import charts
from lineofsight.insights.charts import (
    Band,
    Bar,
    BarChart,
    LineChart,
    Point,
    Segment,
    Series,
    Sparkline,
    StackedBarChart,
    StackedRow,
)

START = dt.date(2026, 10, 1)
END = dt.date(2026, 12, 31)
NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def data_values(svg: str) -> list[str]:
    return re.findall(r'data-value="([^"]*)"', svg)


def burn_up(**kw: object) -> LineChart:
    readings = (
        Point(dt.date(2026, 10, 5), 0.1),
        Point(dt.date(2026, 10, 12), 0.25),
        Point(dt.date(2026, 10, 19), 0.3333333),
    )
    defaults: dict[str, object] = {
        "chart_id": "burnup-7",
        "title": "Burn-up: 25 <qualified> opportunities",
        "description": "Progress & plan",
        "start": START,
        "end": END,
        "series": (
            Series("readings", "Check-ins", readings),
            Series("target", "Target", (Point(START, 1.0), Point(END, 1.0)), "reference"),
            Series("even-pace", "Even pace", (Point(START, 0.0), Point(END, 1.0)), "reference"),
            Series(
                "forecast",
                "Forecast",
                (Point(dt.date(2026, 10, 19), 0.3333333), Point(END, 0.8)),
                "projection",
            ),
        ),
        "bands": (
            Band(
                "forecast-band",
                "Forecast band",
                (Point(dt.date(2026, 10, 19), 0.3333333), Point(END, 0.6)),
                (Point(dt.date(2026, 10, 19), 0.3333333), Point(END, 0.95)),
            ),
        ),
        "today": dt.date(2026, 10, 20),
    }
    defaults.update(kw)
    return LineChart(**defaults)  # type: ignore[arg-type]


def test_data_values_are_written_one_way() -> None:
    assert charts.data_value(0.62345678) == "0.6235"
    assert charts.data_value(1.0) == "1"
    assert charts.data_value(0) == "0"
    assert charts.data_value(-0.0) == "0"
    assert charts.data_value(12) == "12"
    assert charts.data_value(0.5) == "0.5"
    assert charts.figure(0.62345678) == 0.6235


def test_a_burn_up_is_accessible_svg_with_a_title_a_description_and_a_summary() -> None:
    svg = charts.line_chart(burn_up())
    root = parse(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("id") == "burnup-7"
    assert root.get("aria-describedby") == "burnup-7-desc"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and title.text == "Burn-up: 25 <qualified> opportunities"
    assert desc is not None and desc.text == "Progress & plan"
    label = root.get("aria-label") or ""
    # The summary states the figures in words.
    assert "Check-ins: from 10 % on 5 Oct to 33 % on 19 Oct" in label
    assert "Target: 100 %" in label
    assert "Forecast band: 60 % to 95 % on 31 Dec" in label
    # Nothing is fetched from anywhere, and no script runs.
    assert "<script" not in svg and "http://" not in svg.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )


def test_every_plotted_value_carries_its_number() -> None:
    svg = charts.line_chart(burn_up())
    values = data_values(svg)
    # Three readings, both ends of the target and even-pace lines, both ends of the forecast.
    assert values == ["0.1", "0.25", "0.3333", "1", "1", "0", "1", "0.3333", "0.8"]
    band = parse(svg).find(".//svg:polygon", NS)
    assert band is not None
    assert (band.get("data-low"), band.get("data-high")) == ("0.6", "0.95")
    readings = parse(svg).find(".//svg:g[@data-series='readings']", NS)
    assert readings is not None
    days = [m.get("data-day") for m in readings if m.get("data-value") is not None]
    assert days == ["2026-10-05", "2026-10-12", "2026-10-19"]


def test_series_differ_by_marker_and_line_style_not_only_colour() -> None:
    chart = burn_up(
        series=(
            Series("a", "A", (Point(START, 0.2), Point(END, 0.4)), marker="circle"),
            Series("b", "B", (Point(START, 0.3), Point(END, 0.5)), marker="square"),
            Series("c", "C", (Point(START, 0.4), Point(END, 0.6)), marker="diamond"),
            Series("d", "D", (Point(START, 0.5), Point(END, 0.7)), marker="triangle"),
        ),
        bands=(),
    )
    svg = charts.line_chart(chart)
    root = parse(svg)
    shapes = {
        g.get("data-series"): {child.tag.split("}")[1] for child in g if child.get("data-value")}
        for g in root.iter("{http://www.w3.org/2000/svg}g")
        if g.get("data-series")
    }
    assert shapes == {"a": {"circle"}, "b": {"rect"}, "c": {"path"}, "d": {"path"}}
    legend = charts.legend(chart)
    assert legend.count('<li class="legend-item') == 4
    assert ">D</li>" in legend
    reference = charts.legend(burn_up())
    assert 'stroke-dasharray="5 4"' in reference  # reference lines are dashed in the key too


def test_text_from_data_is_escaped() -> None:
    nasty = '"><script>alert(1)</script>'
    chart = burn_up(chart_id=nasty, title=nasty, description=nasty, summary=nasty)
    svg = charts.line_chart(chart)
    assert "<script>" not in svg
    parse(svg)  # still well-formed
    bars = charts.bar_chart(BarChart("b", nasty, nasty, (Bar(nasty, nasty, 0.5),)))
    assert "<script>" not in bars
    parse(bars)
    stacked = charts.stacked_bar_chart(
        StackedBarChart("s", nasty, nasty, (Segment("x", nasty),), (StackedRow("r", nasty, (1,)),))
    )
    assert "<script>" not in stacked
    parse(stacked)


def test_a_chart_without_figures_says_so() -> None:
    chart = burn_up(series=(Series("readings", "Check-ins", ()),), bands=())
    svg = charts.line_chart(chart)
    assert "no figures yet" in (parse(svg).get("aria-label") or "")
    assert data_values(svg) == []


def test_bars_write_their_value_and_the_reference() -> None:
    chart = BarChart(
        "departments-progress",
        "Progress by department",
        "Mean progress",
        (Bar("team-1", "Sales", 0.43), Bar("team-2", "A very long department name indeed", 0.8)),
        reference=0.59,
        reference_label="Expected by today",
    )
    svg = charts.bar_chart(chart)
    root = parse(svg)
    assert data_values(svg) == ["0.43", "0.8", "0.59"]
    assert "Sales 43 %" in (root.get("aria-label") or "")
    assert "Expected by today: 59 %" in svg
    # The full name stays available when the label is shortened.
    assert "<title>A very long department name indeed</title>" in svg


def test_stacked_bars_show_counts_with_patterns_and_a_legend() -> None:
    segments = (
        Segment("off_track", "Off track", "cross"),
        Segment("at_risk", "At risk", "diagonal"),
        Segment("on_track", "On track"),
    )
    chart = StackedBarChart(
        "departments-status",
        "Key results by status",
        "Counts",
        segments,
        (StackedRow("team-1", "Sales", (2, 3, 8)), StackedRow("team-2", "Legal", (0, 0, 0))),
    )
    svg = charts.stacked_bar_chart(chart)
    root = parse(svg)
    assert data_values(svg) == ["2", "3", "8", "0", "0", "0"]
    assert "Sales: 2 off track, 3 at risk, 8 on track" in (root.get("aria-label") or "")
    assert "Legal: none" in (root.get("aria-label") or "")
    # Patterns tell segments apart without colour; they are defined once per chart.
    assert svg.count("<pattern ") == 2
    assert 'patterned" fill="url(#departments-status-pattern-off_track)"' in svg
    assert "style=" not in svg  # the Content-Security-Policy refuses style attributes
    legend = charts.stacked_legend(chart)
    assert "url(#departments-status-pattern-at_risk)" in legend and ">On track</li>" in legend
    with pytest.raises(ValueError, match="one value per segment"):
        charts.stacked_bar_chart(
            StackedBarChart("x", "t", "d", segments, (StackedRow("r", "R", (1,)),))
        )


def test_stacked_segments_span_the_bar_in_proportion() -> None:
    chart = StackedBarChart(
        "s", "t", "d", (Segment("a", "A"), Segment("b", "B")), (StackedRow("r", "R", (1, 3)),),
        width=400, label_width=100,
    )
    root = parse(charts.stacked_bar_chart(chart))
    widths = [
        float(r.get("width") or 0) for r in root.iter("{http://www.w3.org/2000/svg}rect")
    ]
    assert widths == pytest.approx([72.5, 217.5])  # a quarter and three quarters of 290


def test_sparklines_mark_every_value_and_read_the_first_and_last() -> None:
    chart = Sparkline(
        "spark-team-1",
        "Progress of Sales by week",
        (Point(dt.date(2026, 10, 7), 0.05), Point(dt.date(2026, 10, 14), 0.1)),
    )
    svg = charts.sparkline(chart)
    assert data_values(svg) == ["0.05", "0.1"]
    label = parse(svg).get("aria-label") or ""
    assert label == "Progress of Sales by week: from 5 % on 7 Oct to 10 % on 14 Oct"
    empty = charts.sparkline(Sparkline("s", "Progress", ()))
    assert "no figures yet" in empty


def test_number_charts_scale_to_their_largest_value() -> None:
    chart = burn_up(
        series=(Series("n", "Logos", (Point(START, 3), Point(END, 34))),),
        bands=(),
        value_format="number",
        unit="logos",
    )
    svg = charts.line_chart(chart)
    assert ">40 logos</text>" in svg  # a round top above 34
    assert "from 3 logos on 1 Oct to 34 logos on 31 Dec" in svg
    with pytest.raises(ValueError):
        charts.line_chart(burn_up(value_format="furlongs"))
    with pytest.raises(ValueError):
        Series("x", "X", (), kind="scatter")


values = st.floats(min_value=-1.5, max_value=2.5, allow_nan=False, allow_infinity=False)
days = st.integers(min_value=-20, max_value=120)


@given(st.lists(st.tuples(days, values), min_size=0, max_size=30))
def test_every_marker_stays_inside_the_plot_and_keeps_its_number(
    points: list[tuple[int, float]],
) -> None:
    """Whatever the values (even outside 0-100 % or outside the cycle), markers stay inside
    the drawing and each carries exactly its rounded value."""
    pts = tuple(Point(START + dt.timedelta(days=d), v) for d, v in sorted(points))
    chart = LineChart("c", "T", "D", START, END, (Series("s", "S", pts),), width=400, height=200)
    svg = charts.line_chart(chart)
    root = parse(svg)
    markers = [e for e in root.iter() if e.get("data-value") is not None]
    assert [m.get("data-value") for m in markers] == [charts.data_value(p.value) for p in pts]
    for m in markers:
        x = float(m.get("cx") or m.get("x") or 0)
        y = float(m.get("cy") or m.get("y") or 0)
        assert -5 <= x <= 405 and -5 <= y <= 205


@given(st.lists(st.lists(st.integers(min_value=0, max_value=500), min_size=3, max_size=3),
                max_size=12))
def test_stacked_bars_never_overflow(rows: list[list[int]]) -> None:
    chart = StackedBarChart(
        "s",
        "T",
        "D",
        (Segment("a", "A"), Segment("b", "B", "dots"), Segment("c", "C", "cross")),
        tuple(StackedRow(f"r{i}", f"R{i}", tuple(float(v) for v in r)) for i, r in enumerate(rows)),
        width=500,
        label_width=100,
    )
    root = parse(charts.stacked_bar_chart(chart))
    by_row: dict[str, float] = {}
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        row = g.get("data-row")
        if row is None:
            continue
        total = 0.0
        for rect in g.iter("{http://www.w3.org/2000/svg}rect"):
            assert float(rect.get("x") or 0) >= 100 - 1e-6
            total += float(rect.get("width") or 0)
        by_row[row] = total
    for i, r in enumerate(rows):
        expected = 490 - 100 if sum(r) else 0
        assert by_row[f"r{i}"] == pytest.approx(expected, abs=0.05)


def test_each_company_objective_line_and_its_legend_entry_share_one_colour_class() -> None:
    from types import SimpleNamespace

    from lineofsight.insights import chart_specs

    weeks = [SimpleNamespace(day=START + dt.timedelta(days=7 * i), progress=0.1 * i)
             for i in range(3)]
    objectives = [
        SimpleNamespace(objective=SimpleNamespace(pk=pk, title=f"Objective {pk}"), weeks=weeks)
        for pk in (12, 7, 30, 4, 9, 1, 2)
    ]
    spec = chart_specs.company_trend(objectives, start=START, end=END, today=END)
    svg, legend = charts.line_chart(spec), charts.legend(spec)
    for i, o in enumerate(objectives):
        key = f"objective-{o.objective.pk}"
        tone = f"tone-{i % charts.TONES + 1}"
        drawn = re.search(rf'<g class="chart-series ([^"]*)" data-series="{key}"', svg)
        keyed = re.search(rf'<li class="legend-item ([^"]*)" data-series="{key}"', legend)
        assert drawn and keyed
        assert tone in drawn.group(1).split() and tone in keyed.group(1).split()
        assert drawn.group(1) == keyed.group(1)
    assert f'data-chart="{spec.chart_id}"' in legend
    # A burn-up says what it shows on the chart itself: axes labels, the target, today.
    item_svg = charts.line_chart(burn_up(compact=True))
    assert ">100 %</text>" in item_svg and ">0 %</text>" in item_svg
    assert ">1 Oct</text>" in item_svg and ">31 Dec</text>" in item_svg
