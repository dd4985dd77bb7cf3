"""The contribution story of an evidence pack, told in plain words from the data.

Pure: plain values in, a sentence out; no Django, no database, no clock. The pack's page,
its PDF and the API all call ``contribution_story``, so the words are the same everywhere.

The rules:

1. **What the person did.** One phrase per key result they own, in the order given, joined
   "a, b and c". A key result whose title starts with its target ("25 enterprise
   opportunities qualified from outbound") is told as "qualified 22 of 25 enterprise
   opportunities": the first past participle after the noun becomes the verb; else a
   preposition ("10 opportunities past legal review") gives "got 8 of 10 past legal review";
   else a noun that names a deed ("6 new enterprise closes") gives "closed 5 of 6"; else
   "reached 5 of 6 <rest>". Other increasing key results read "moved <title> from 3 to 7
   (target 10)"; decreasing ones "brought <title> from 14 to 9 (target 7)"; thresholds
   "kept <title>" or "did not keep <title> (last reading 98.5)"; milestones "delivered
   <title>" or "did not finish <title>". Without a reading: "had no reading on <title>".
   Abandoned key results are not told as results: a separate sentence names them. A year is
   told one sentence per quarter ("In Q3 2026, Jordan qualified ...").
2. **Where it led.** "These fed <owner>'s <objective>" for the objectives the person's
   objectives were aligned to (contributing or supporting), and those that hold key results
   of theirs, in the order given.
3. **Whether it mattered.** When a company key result is found at the end of that line
   (``pick_company_measure``): "the company came in at 34 of 40 new logos, so this mattered"
   when the company missed it (every unit counted), "the company reached 42 of 40 ..., and
   this was part of it" when it was reached.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from lineofsight.core import words

INCREASE = "increase"
DECREASE = "decrease"
STAY_ABOVE = "stay_above"
STAY_BELOW = "stay_below"
MILESTONE = "milestone"

PREPOSITIONS = frozenset(
    {"past", "through", "into", "to", "in", "at", "on", "with", "by", "over", "under", "beyond"}
)
# Nouns that name a deed, and the verb that tells it ("6 new closes" -> "closed 5 of 6").
DEED_VERBS = {
    "closes": "closed",
    "closings": "closed",
    "hires": "hired",
    "launches": "launched",
    "releases": "released",
    "renewals": "renewed",
    "signings": "signed",
    "signups": "signed up",
    "wins": "won",
    "deliveries": "delivered",
    "migrations": "migrated",
    "publications": "published",
    "resolutions": "resolved",
}
_LEADING_NUMBER = re.compile(r"^\s*[$€£]?\s*(\d[\d,]*(?:\.\d+)?)\s*(%|k|K|M)?\s+(.+)$")
_PARENTHESES = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True)
class Measure:
    """A key result as it stood at the end of the cycle."""

    title: str
    kind: str = INCREASE
    unit: str = ""
    start: float | None = None
    target: float | None = None
    actual: float | None = None  # the last reading; None when there was none
    done: bool | None = None  # milestones
    abandoned: bool = False

    @property
    def reached(self) -> bool:
        """Whether the target was reached at the end."""
        if self.kind == MILESTONE:
            return bool(self.done)
        if self.actual is None or self.target is None:
            return False
        if self.kind in (DECREASE, STAY_BELOW):
            return self.actual <= self.target + 1e-9
        return self.actual + 1e-9 >= self.target


@dataclass(frozen=True)
class Destination:
    """An objective the person's objectives fed: its owner's name and its title."""

    owner: str
    title: str


def number(value: float | None) -> str:
    """22 -> "22", 98.5 -> "98.5", 1500000 -> "1,500,000"."""
    if value is None or not math.isfinite(value):
        return "none"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def join(parts: Sequence[str]) -> str:
    """["a"] -> "a"; ["a", "b", "c"] -> "a, b and c"."""
    items = [p for p in parts if p]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


quoted = words.quoted


def _scaled(raw: str, suffix: str | None) -> float:
    value = float(raw.replace(",", ""))
    return value * {"k": 1e3, "K": 1e3, "M": 1e6}.get(suffix or "", 1.0)


def counted_rest(m: Measure) -> str | None:
    """What follows the target in a title that starts with it ("25 enterprise opportunities
    qualified" -> "enterprise opportunities qualified"), parentheses dropped; else None. A
    rate ("35% win rate on RFPs") counts nothing, so it is not told as a count."""
    if m.target is None:
        return None
    found = _LEADING_NUMBER.match(m.title)
    if not found or found.group(2) == "%":
        return None
    try:
        value = _scaled(found.group(1), found.group(2))
    except ValueError:
        return None
    if abs(value - m.target) > 1e-9 * max(1.0, abs(m.target)):
        return None
    rest = _PARENTHESES.sub("", found.group(3)).strip(" .,;:")
    return rest or None


def _is_participle(word: str) -> bool:
    w = word.lower()
    return len(w) > 4 and w.endswith("ed") and w.isalpha()


def counted_phrase(actual: str, target: str, rest: str) -> str:
    """ "qualified 22 of 25 enterprise opportunities", "got 8 of 10 past legal review",
    "closed 5 of 6" or "reached 5 of 6 <rest>"."""
    words = rest.split()
    for i, word in enumerate(words):
        if i >= 1 and _is_participle(word):
            return f"{word.lower()} {actual} of {target} {' '.join(words[:i])}"
    for i, word in enumerate(words):
        if i >= 1 and word.lower() in PREPOSITIONS:
            return f"got {actual} of {target} {' '.join(words[i:])}"
    last = words[-1].lower().strip(".,")
    if last in DEED_VERBS:
        return f"{DEED_VERBS[last]} {actual} of {target}"
    return f"reached {actual} of {target} {rest}"


def phrase(m: Measure) -> str:
    """What the person did on one key result (see rule 1)."""
    title = quoted(m.title)
    if m.kind == MILESTONE:
        return f"delivered {title}" if m.done else f"did not finish {title}"
    if m.actual is None:
        return f"had no reading on {title}"
    if m.kind in (STAY_ABOVE, STAY_BELOW):
        if m.reached:
            return f"kept {title}"
        return f"did not keep {title} (last reading {number(m.actual)})"
    if m.kind == INCREASE:
        rest = counted_rest(m)
        if rest is not None:
            return counted_phrase(number(m.actual), number(m.target), rest)
        return (
            f"moved {title} from {number(m.start)} to {number(m.actual)} "
            f"(target {number(m.target)})"
        )
    return (
        f"brought {title} from {number(m.start)} to {number(m.actual)} (target {number(m.target)})"
    )


def company_phrase(m: Measure) -> str:
    """ "came in at 34 of 40 new enterprise logos" (or "reached ..."), or in other words for
    key results that do not count up to a target."""
    if m.kind == MILESTONE:
        return f"{'delivered' if m.done else 'did not deliver'} {quoted(m.title)}"
    if m.actual is None:
        return f"had no reading on {quoted(m.title)}"
    verb = "reached" if m.reached else "came in at"
    rest = counted_rest(m) if m.kind == INCREASE else None
    if rest is not None:
        return f"{verb} {number(m.actual)} of {number(m.target)} {rest}"
    if m.kind in (STAY_ABOVE, STAY_BELOW):
        kept = "kept" if m.reached else "did not keep"
        return f"{kept} {quoted(m.title)} (last reading {number(m.actual)})"
    return f"{verb} {number(m.actual)} on {quoted(m.title)} (target {number(m.target)})"


def possessive(name: str) -> str:
    return f"{name}'s"


def contribution_story(
    first_name: str,
    measures: Sequence[Measure],
    fed: Sequence[Destination] = (),
    company: Measure | None = None,
    *,
    periods: Sequence[tuple[str, Sequence[Measure]]] = (),
) -> str:
    """The plain-language story of how the person's key results fed the team and company
    figures (see the module's rules). ``periods`` tells a year: the key results grouped
    under a lead-in per period ("In Q3 2026", "Over FY 2026"), one sentence each, in place
    of ``measures``."""
    name = first_name.strip() or "They"
    told = [(lead, list(ms)) for lead, ms in periods] if periods else [("", list(measures))]
    everything = [m for _, ms in told for m in ms]
    done = [m for m in everything if not m.abandoned]
    dropped = [m for m in everything if m.abandoned]
    sentences: list[str] = []
    for lead, ms in told:
        live = [phrase(m) for m in ms if not m.abandoned]
        if live:
            sentences.append(f"{lead + ', ' if lead else ''}{name} {join(live)}.")
    if not done and not dropped:
        sentences.append(f"{name} had no key results of their own in this cycle.")
    if dropped:
        what = join([quoted(m.title) for m in dropped])
        verb = "was" if len(dropped) == 1 else "were"
        counted = "is" if len(dropped) == 1 else "are"
        sentences.append(f"{what} {verb} abandoned during the cycle and {counted} not counted.")
    if done and fed:
        these = "This" if len(done) == 1 else "These"
        targets = join([f"{possessive(d.owner)} {quoted(d.title)}" for d in fed])
        line = f"{these} fed {targets}"
        if company is not None:
            if company.reached:
                line += f"; the company {company_phrase(company)}, and this was part of it."
            else:
                line += f"; the company {company_phrase(company)}, so this mattered."
        else:
            line += "."
        sentences.append(line)
    elif done:
        sentences.append(
            "They were not aligned to a team or company objective, so the review should ask "
            "where they led."
        )
    return " ".join(sentences)


# ---------------------------------------------------------------------------------------
# Which company key result the story ends on


def _stem(word: str) -> str:
    w = word.lower().strip(".,;:()“”\"'")
    return w[:-1] if w.endswith("s") and len(w) > 3 else w


def pick_company_measure(
    destination_titles: Sequence[str],
    linked: Sequence[Measure],
    candidates: Sequence[Measure],
) -> Measure | None:
    """The company key result at the end of the line: one the line is aligned to directly
    (``linked``, first wins), else the company objective's key result whose unit, or the
    noun its title counts, is named in a destination's title (``candidates`` in order).
    None when nothing matches: the story then stops at the destinations."""
    live = [m for m in linked if not m.abandoned]
    if live:
        return live[0]
    words = {_stem(w) for title in destination_titles for w in title.split()}
    for m in candidates:
        if m.abandoned:
            continue
        keys = {_stem(w) for w in m.unit.split()}
        rest = counted_rest(m)
        if rest:
            keys.add(_stem(rest.split()[-1]))
        keys.discard("")
        if keys & words:
            return m
    return None


# ---------------------------------------------------------------------------------------
# Confidence trend


CONFIDENCE_WORDS = {"on_track": "on track", "at_risk": "at risk", "off_track": "off track"}
_SEVERITY = {"on_track": 0, "at_risk": 1, "off_track": 2}


def confidence_trend(calls: Sequence[str]) -> str:
    """The owner's confidence calls over the cycle, in words: "on track throughout",
    "on track, then at risk, then off track" (repeats collapsed), or "no calls"."""
    steps: list[str] = []
    for call in calls:
        if call in CONFIDENCE_WORDS and (not steps or steps[-1] != call):
            steps.append(call)
    if not steps:
        return "no confidence calls"
    if len(steps) == 1:
        return f"{CONFIDENCE_WORDS[steps[0]]} throughout"
    text = ", then ".join(CONFIDENCE_WORDS[s] for s in steps)
    first, last = _SEVERITY[steps[0]], _SEVERITY[steps[-1]]
    drift = "worsening" if last > first else "improving" if last < first else "back where it began"
    return f"{text} ({drift})"
