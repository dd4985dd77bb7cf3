"""axe-core in the page: the accessibility rules a screen-reader or keyboard user meets.

axe-core's script comes bundled in the ``axe-playwright-python`` wheel (a test dependency);
it is read from the installed package and evaluated in the page, so nothing is fetched at
test time and a Content-Security-Policy on the page does not block it.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from playwright.sync_api import Page

SERIOUS = ("serious", "critical")


@cache
def axe_source() -> str:
    return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Page, impacts: tuple[str, ...] = SERIOUS) -> list[dict[str, Any]]:
    """The page's axe-core violations of the given impacts (WCAG 2.x A and AA rules and
    axe's best practices)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        "() => axe.run(document, { resultTypes: ['violations'] })"
    )
    return [v for v in result["violations"] if v.get("impact") in impacts]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:6]:
            target = " ".join(str(t) for t in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")[:200]
            lines.append(f"  - {target}: {summary}")
        if len(v["nodes"]) > 6:
            lines.append(f"  ... and {len(v['nodes']) - 6} more")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail on any serious or critical axe-core violation."""
    found = axe_violations(page)
    if found:
        raise AssertionError(f"{page.url} at {page.viewport_size}:\n{describe(found)}")
