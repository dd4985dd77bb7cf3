"""The display helpers every page shares: confidence words, target phrasing, icons."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from lineofsight.core import icons
from lineofsight.goals.templatetags import los
from lineofsight.insights.templatetags import tracking_badges

# Characters every font a browser falls back to can draw: Latin-1 and the punctuation and
# symbols of the WGL4 set the pages use. Anything else is drawn as an inline SVG icon.
SAFE = re.compile(
    r"^[\x09\x0a\x0d\x20-\x7e\u00a0-\u00ff\u2013\u2014\u2018\u2019\u201c\u201d\u2022"
    r"\u2026\u2190-\u2193\u2212\u2264\u2265\u203a]*$"
)


@pytest.mark.parametrize(
    ("value", "words"),
    [("on_track", "On track"), ("at_risk", "At risk"), ("off_track", "Off track"),
     ("", "No check-in yet"), (None, "No check-in yet")],
)
def test_confidence_reads_as_the_models_label(value: str | None, words: str) -> None:
    assert los.confidence_label(value) == words


def test_every_badge_draws_its_icon_instead_of_a_symbol_fonts_may_lack() -> None:
    html = [los.status_badge(v) for v in ("on_track", "at_risk", "off_track", None)]
    html += [tracking_badges.pace_badge(s) for s in tracking_badges.PACE_ICONS]
    html += [
        tracking_badges.miss_badge(SimpleNamespace(miss_risk=r))
        for r in tracking_badges.MISS_ICONS
    ]
    html += [los.commitment_badge(SimpleNamespace(commitment=c))
             for c in ("committed", "aspirational")]
    for badge in html:
        assert '<svg class="icon icon-' in badge, badge
        assert SAFE.match(badge), badge
    for name in icons.PATHS:
        assert SAFE.match(icons.icon(name))


def test_bars_carry_their_width_as_svg_attributes_not_inline_styles() -> None:
    bar = los.progress_bar(62, "Progress of Launch")
    assert 'width="62"' in bar and "style=" not in bar
    assert 'role="progressbar"' in bar and 'aria-valuenow="62"' in bar
    assert 'width="50"' in los.share_bar(1, 2) and "style=" not in los.bar_spark([10, 100])


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(1, "opportunities", "1 opportunity"), (1, "closes", "1 close"), (1, "days", "1 day"),
     (1, "processes", "1 process"), (2, "closes", "2 closes"), (1, "ms", "1 ms"),
     (1, "NPS", "1 NPS"), (1, "business", "1 business"), (1.5, "days", "1.5 days"),
     (1, "%", "1%")],
)
def test_one_of_a_unit_reads_in_the_singular(value: float, unit: str, text: str) -> None:
    from lineofsight.goals.scoring import fmt

    assert fmt(value, unit) == text
