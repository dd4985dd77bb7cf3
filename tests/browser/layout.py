"""What a person would notice on a page, as reusable assertions for the browser tests.

Each check runs in the page (one ``evaluate`` each) and returns the problems it found as
sentences naming the element, so a failure reads like a bug report:

* ``horizontal_overflow``: the document, or any visible element outside a scrolling box,
  reaches past the viewport's right or left edge;
* ``squeezed_titles``: a heading or an OKR title narrower than about twelve characters while
  its text is longer, or wrapping one word per line;
* ``overlapping_titles``: the text of a title under a progress bar, pill, badge, button or
  chart;
* ``misplaced_table_headers``: a column header that is not over its column's cells (rows
  drawn as cards under headers that no longer head anything);
* ``legend_mismatches``: a chart legend's swatch in another colour than its series;
* ``undrawable_characters``: characters no installed font can draw (drawn in the element's
  own font on a canvas, they come out pixel for pixel as the font's missing-glyph box);
* console errors, failed requests and Content-Security-Policy violations, collected by
  ``PageWatch`` from the moment a tab opens.

The checks run in the page from ``layout.js``.

``assert_readable`` runs them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Page, Request, Response

# The checks themselves, in the page's language (layout.js beside this file).
SCRIPT = (Path(__file__).with_name("layout.js")).read_text(encoding="utf-8")

# Titles: headings, OKR and key-result titles, captions and column headers.
TITLES = "h1, h2, h3, h4, .okr-title, .kr-title, caption, th"
# What a title's text must never sit under.
FURNITURE = (
    ".progress, .progress-wrap, .status, .pace, .miss, .badge, .link-kind, .button, button, "
    "svg.chart, .count-badge, input, select, textarea"
)

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || 'inline code'} at ` +
    `${e.sourceFile}:${e.lineNumber}`
  );
});
"""


def _run(page: Page, check: str, *args: Any) -> list[str]:
    if not page.evaluate("typeof window.losLayout === 'object'"):
        page.evaluate(SCRIPT)
    found = page.evaluate(f"(args) => window.losLayout.{check}(args)", list(args))
    return [str(problem) for problem in found]


def horizontal_overflow(page: Page) -> list[str]:
    return _run(page, "overflow")


def squeezed_titles(page: Page) -> list[str]:
    return _run(page, "squeezed", TITLES, FURNITURE)


def overlapping_titles(page: Page) -> list[str]:
    return _run(page, "overlaps", TITLES, FURNITURE)


def misplaced_table_headers(page: Page) -> list[str]:
    return _run(page, "tables")


def legend_mismatches(page: Page) -> list[str]:
    return _run(page, "legends")


def undrawable_characters(page: Page) -> list[str]:
    return _run(page, "glyphs")


@dataclass
class PageWatch:
    """Console errors, uncaught exceptions, failed requests and CSP violations of one tab."""

    page: Page
    origin: str
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.add_init_script(CSP_LISTENER)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"script error: {exc}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console error: {message.text}")

    def _failed(self, request: Request) -> None:
        self.errors.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def _response(self, response: Response) -> None:
        if response.status >= 400 and response.url.startswith(self.origin):
            self.errors.append(f"HTTP {response.status} for {response.url}")

    def take(self) -> list[str]:
        """The errors so far and the page's CSP violations; starts afresh."""
        found = self.errors + [
            f"CSP violation: {v}" for v in self.page.evaluate("window.__cspViolations || []")
        ]
        self.errors = []
        self.page.evaluate("window.__cspViolations = []")
        return found


def problems(page: Page) -> dict[str, list[str]]:
    """Every layout check by name, with what it found."""
    found: dict[str, Any] = {
        "horizontal overflow": horizontal_overflow(page),
        "squeezed titles": squeezed_titles(page),
        "overlapping titles": overlapping_titles(page),
        "table headers": misplaced_table_headers(page),
        "legend colours": legend_mismatches(page),
        "undrawable characters": undrawable_characters(page),
    }
    return {name: list(found[name]) for name in found if found[name]}


def assert_readable(page: Page, watch: PageWatch | None = None) -> None:
    """Fail with every problem a person would notice on the page as it stands."""
    found = problems(page)
    if watch is not None:
        errors = watch.take()
        if errors:
            found["console and network"] = errors
    if found:
        report = "\n".join(
            f"{name}:\n" + "\n".join(f"  - {p}" for p in items[:12])
            + (f"\n  ... and {len(items) - 12} more" if len(items) > 12 else "")
            for name, items in found.items()
        )
        raise AssertionError(f"{page.url} at {page.viewport_size}:\n{report}")
