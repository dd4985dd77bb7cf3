"""The layout checks themselves: each finds the problem it names on a page made to have it,
and nothing on the same page without it (so a check cannot pass by seeing nothing)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route

from . import layout
from .accessibility import axe_violations

pytestmark = [pytest.mark.browser]

ORIGIN = "http://layout.test"
BASE_CSS = "body { margin: 0; font: 16px sans-serif; } * { box-sizing: border-box; }"


PAGES: dict[str, tuple[str, dict[str, str]]] = {}  # made-up pages, by address


@pytest.fixture(scope="module")
def tab(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 600, "height": 800})
    page = context.new_page()

    def serve(route: Route) -> None:
        if route.request.url not in PAGES:
            route.fulfill(status=204, body="")  # an icon, an image: nothing, and no error
            return
        body, headers = PAGES[route.request.url]
        route.fulfill(status=200, body=body, headers=headers, content_type="text/html")

    page.route(f"{ORIGIN}/**", serve)
    yield page
    context.close()


def show(tab: Page, html: str, css: str = "", headers: dict[str, str] | None = None) -> Page:
    url = f"{ORIGIN}/page-{len(PAGES)}"
    head = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>t</title>"
        f"<style>{BASE_CSS}{css}</style>"
    )
    PAGES[url] = (f"{head}</head><body><main>{html}</main></body></html>", headers or {})
    tab.goto(url)
    return tab


def test_overflow_is_found_and_a_scrolling_box_is_not(tab: Page) -> None:
    wide = "<div style='width: 900px'>wide</div>"
    assert any("scrolls sideways" in p for p in layout.horizontal_overflow(show(tab, wide)))
    boxed = f"<div style='overflow-x: auto'>{wide}</div>"
    assert layout.horizontal_overflow(show(tab, boxed)) == []


def test_a_squeezed_title_and_one_word_per_line_are_found(tab: Page) -> None:
    title = "<h2 style='width: {}'>Consolidate international enterprise pipelines</h2>"
    found = layout.squeezed_titles(show(tab, title.format("40px")))
    assert found and "squeezed" in found[0]
    found = layout.squeezed_titles(show(tab, title.format("7.5em")))
    assert found and "one word per line" in found[0]
    assert layout.squeezed_titles(show(tab, title.format("30em"))) == []


def test_a_title_under_a_bar_is_found(tab: Page) -> None:
    html = (
        "<div style='position: relative'><h3 class='okr-title'>Grow ARR from 12 to 18</h3>"
        "<span class='progress' style='position: absolute; left: 20px; top: 0; width: 80px; "
        "height: 30px; display: block'></span></div>"
    )
    assert layout.overlapping_titles(show(tab, html))
    apart = html.replace("left: 20px", "left: 400px")
    assert layout.overlapping_titles(show(tab, apart)) == []


def test_headers_that_do_not_head_their_cells_are_found(tab: Page) -> None:
    table = (
        "<table><thead><tr><th>Key result</th><th>Planned</th><th>Actual</th></tr></thead>"
        "<tbody><tr class='row'><td>Logos</td><td>40</td><td>34</td></tr></tbody></table>"
    )
    cards = ".row { display: grid; grid-template-columns: 1fr; } td { display: block; }"
    assert layout.misplaced_table_headers(show(tab, table, cards))
    assert layout.misplaced_table_headers(show(tab, table)) == []


def test_a_legend_in_another_colour_than_its_line_is_found(tab: Page) -> None:
    chart = (
        "<figure><svg class='chart' id='c' width='100' height='40'>"
        "<g class='chart-series series-a' data-series='a'><polyline class='line' "
        "points='0,0 100,40'/></g></svg>"
        "<ul class='chart-legend' data-chart='c'><li class='legend-item series-a'><svg "
        "class='legend-swatch'><line class='line' x1='0' y1='0' x2='10' y2='0'/></svg>A</li>"
        "</ul></figure>"
    )
    same = ".series-a .line { stroke: #123456; }"
    assert layout.legend_mismatches(show(tab, chart, same)) == []
    nth = "g.series-a .line { stroke: #123456; } li.series-a .line { stroke: #654321; }"
    found = layout.legend_mismatches(show(tab, chart, nth))
    assert found and "stroke" in found[0]


def test_characters_no_font_can_draw_are_found(tab: Page) -> None:
    found = layout.undrawable_characters(show(tab, "<p>Due \U000f0001 soon</p>"))
    assert found and "U+F0001" in found[0]
    generated = ".mark::before { content: '\U000f0002'; }"
    assert layout.undrawable_characters(show(tab, "<p class='mark'>x</p>", generated))
    assert layout.undrawable_characters(show(tab, "<p>Done – “on track” · 5 € ≤ 6</p>")) == []


def test_console_errors_and_policy_violations_are_collected(tab: Page) -> None:
    watch = layout.PageWatch(tab, ORIGIN)
    show(tab, "<p>quiet</p>")
    assert watch.take() == []
    show(tab, "<script>console.error('broken')</script>")
    assert any("broken" in e for e in watch.take())
    strict = {"Content-Security-Policy": "script-src 'self'"}
    show(tab, "<button onclick='void 0'>x</button><script>1</script>", headers=strict)
    assert any("CSP violation" in e or "Content Security Policy" in e for e in watch.take())


def test_axe_reports_a_serious_violation(tab: Page) -> None:
    ids = {v["id"] for v in axe_violations(show(tab, "<img src='x.png'><input>"))}
    assert "image-alt" in ids
    assert axe_violations(show(tab, "<h1>Fine</h1><p>Text</p>")) == []
