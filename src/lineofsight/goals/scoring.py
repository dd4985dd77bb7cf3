"""Scoring: every progress figure Line of Sight shows, with its explanation.

This module is pure: plain dataclasses in, plain dataclasses out, no Django, no database,
no clock. Cards, the alignment tree, the API, exports, the stored roll-up and
``rollup --verify`` all call these functions, so a number means the same thing everywhere.

Progress is a float in [0.0, 1.0]; the UI shows it as a whole percentage, the end-of-cycle
grade as a 0.0-1.0 figure with two decimals.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from lineofsight.core import words


class KeyResultKind(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    STAY_ABOVE = "stay_above"
    STAY_BELOW = "stay_below"
    MILESTONE = "milestone"

    @property
    def label(self) -> str:
        return {
            "increase": "Increase to a target",
            "decrease": "Decrease to a target",
            "stay_above": "Stay at or above a threshold",
            "stay_below": "Stay at or below a threshold",
            "milestone": "Milestone (done / not done)",
        }[self.value]

    @property
    def is_numeric(self) -> bool:
        return self is not KeyResultKind.MILESTONE

    @property
    def is_threshold(self) -> bool:
        return self in (KeyResultKind.STAY_ABOVE, KeyResultKind.STAY_BELOW)


class ProgressMode(StrEnum):
    KEY_RESULTS = "key_results"
    CHILDREN = "children"
    BOTH = "both"

    @property
    def label(self) -> str:
        return {
            "key_results": "Its key results only",
            "children": "Its contributing aligned objectives only",
            "both": "Key results and contributing aligned objectives",
        }[self.value]


class LinkKind(StrEnum):
    CONTRIBUTES = "contributes"
    SUPPORTS = "supports"

    @property
    def label(self) -> str:
        return {
            "contributes": "Contributes (counts in the parent's progress)",
            "supports": "Supports (shown, not counted)",
        }[self.value]


class Confidence(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"

    @property
    def label(self) -> str:
        return {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track"}[self.value]

    @property
    def severity(self) -> int:
        return {"on_track": 0, "at_risk": 1, "off_track": 2}[self.value]


# ---------------------------------------------------------------------------------------
# Explanations


@dataclass(frozen=True)
class Term:
    """One input to a figure: what it is, its value, its weight and what it added."""

    kind: str  # "reading", "key_result", "objective"
    ref: int | None
    label: str
    value: float
    weight: float = 1.0
    counted: bool = True
    note: str = ""

    @property
    def share(self) -> float:
        """The weighted value this term contributed (value x weight)."""
        return self.value * self.weight if self.counted else 0.0


@dataclass(frozen=True)
class Explanation:
    subject: str
    formula: str
    terms: tuple[Term, ...]
    result: float
    as_of: dt.datetime | None
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "subject": self.subject,
            "formula": self.formula,
            "result": self.result,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "terms": [
                {
                    "kind": t.kind,
                    "id": t.ref,
                    "label": t.label,
                    "value": t.value,
                    "weight": t.weight,
                    "counted": t.counted,
                    "note": t.note,
                }
                for t in self.terms
            ],
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Figure:
    value: float
    explanation: Explanation

    @property
    def percent(self) -> int:
        return percent(self.value)


# Stands in for the explanation when a caller only needs the value (bulk recomputes).
_UNEXPLAINED = Explanation("", "", (), 0.0, None)


def clamp(value: float) -> float:
    if math.isnan(value):
        return 0.0
    return min(1.0, max(0.0, value))


def percent(progress: float) -> int:
    """Whole percentage for display, rounding halves up (0.625 -> 63)."""
    return int(math.floor(clamp(progress) * 100 + 0.5 + 1e-9))


def grade(progress: float) -> float:
    """End-of-cycle grade on the 0.0-1.0 scale, two decimals."""
    return math.floor(clamp(progress) * 100 + 0.5 + 1e-9) / 100


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "none"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4f}".rstrip("0")
    if not unit:
        return text
    if unit in ("%", "$", "€", "£"):
        return f"{unit}{text}" if unit != "%" else f"{text}%"
    return f"{text} {words.unit_for(value, unit)}"


# ---------------------------------------------------------------------------------------
# Key results


PREFIX_UNITS = ("$", "€", "£", "%")


@dataclass(frozen=True)
class KeyResultSpec:
    kind: KeyResultKind
    start: float | None = None
    target: float | None = None
    unit: str = ""


@dataclass(frozen=True)
class Reading:
    value: float | None = None
    done: bool | None = None
    at: dt.datetime | None = None


class SpecError(ValueError):
    """A key-result definition that cannot be scored; ``field`` names the culprit."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


def _finite(name: str, value: float | None, required: bool) -> None:
    if value is None:
        if required:
            raise SpecError(name, "This field is required for this kind of key result.")
        return
    if not math.isfinite(value):
        raise SpecError(name, "Enter a finite number.")


def validate_spec(spec: KeyResultSpec) -> None:
    """Raise ``SpecError`` if the definition is not scoreable."""
    kind = spec.kind
    if kind is KeyResultKind.MILESTONE:
        return
    if kind.is_threshold:
        _finite("target_value", spec.target, required=True)
        _finite("start_value", spec.start, required=False)
        return
    _finite("start_value", spec.start, required=True)
    _finite("target_value", spec.target, required=True)
    assert spec.start is not None and spec.target is not None
    if spec.target == spec.start:
        keep = "Stay at or above" if kind is KeyResultKind.INCREASE else "Stay at or below"
        raise SpecError(
            "target_value",
            f"The target equals the start, so there is nothing to "
            f"{'increase' if kind is KeyResultKind.INCREASE else 'decrease'}. Set a target "
            f"{'above' if kind is KeyResultKind.INCREASE else 'below'} the start, or choose "
            f"'{keep} a threshold' to hold a level.",
        )
    if kind is KeyResultKind.INCREASE and spec.target < spec.start:
        raise SpecError(
            "target_value", "An increasing key result needs a target at or above its start."
        )
    if kind is KeyResultKind.DECREASE and spec.target > spec.start:
        raise SpecError(
            "target_value", "A decreasing key result needs a target at or below its start."
        )


def reading_text(spec: KeyResultSpec, current: float | None, done: bool = False) -> str:
    """Where a key result stands, in words that agree with its progress (before any reading
    it stands at its start):

    * an increase from zero: "22 of 25 logos";
    * any other increase or decrease, counted from its start: "95 days (from 120 to 90
      days)", "8 clauses (from 8 to 10 clauses)" (never "95 days of 90 days");
    * a threshold: "85% (keep at or above 80%)" (never "85% of 80%");
    * a milestone: "Done" or "Not done".
    """
    kind = spec.kind
    if kind is KeyResultKind.MILESTONE:
        return "Done" if done else "Not done"
    value = current if current is not None else spec.start
    unit = spec.unit
    if kind.is_threshold:
        line = "at or above" if kind is KeyResultKind.STAY_ABOVE else "at or below"
        now = "no reading yet" if value is None else fmt(value, unit)
        return f"{now} (keep {line} {fmt(spec.target, unit)})"

    def bare(number: float | None) -> str:
        return fmt(number, unit if unit in PREFIX_UNITS else "")

    if kind is KeyResultKind.INCREASE and not spec.start and (spec.target or 0) > 0:
        return f"{bare(value if value is not None else 0.0)} of {fmt(spec.target, unit)}"
    return f"{fmt(value, unit)} (from {bare(spec.start)} to {fmt(spec.target, unit)})"


def validate_reading(spec: KeyResultSpec, reading: Reading) -> None:
    if spec.kind is KeyResultKind.MILESTONE:
        if reading.done is None:
            raise SpecError("done", "Say whether the milestone is done.")
        return
    if reading.value is None:
        raise SpecError("value", "Enter the current value.")
    if not math.isfinite(reading.value):
        raise SpecError("value", "Enter a finite number.")


@dataclass(frozen=True)
class _KeyResultScore:
    """The arithmetic of one key result's progress, before any wording."""

    value: float
    case: str  # milestone, no_value, no_target, threshold, met_or_not, linear
    current: float | None = None
    start: float = 0.0
    target: float = 0.0
    raw: float = 0.0


def _score_key_result(spec: KeyResultSpec, reading: Reading | None) -> _KeyResultScore:
    kind = spec.kind
    if kind is KeyResultKind.MILESTONE:
        done = bool(reading.done) if reading is not None else False
        return _KeyResultScore(1.0 if done else 0.0, "milestone")
    current = reading.value if reading is not None and reading.value is not None else spec.start
    if current is None or not math.isfinite(current):
        return _KeyResultScore(0.0, "no_value")
    target = spec.target
    if target is None or not math.isfinite(target):
        return _KeyResultScore(0.0, "no_target", current)
    if kind.is_threshold:
        met = current >= target if kind is KeyResultKind.STAY_ABOVE else current <= target
        return _KeyResultScore(1.0 if met else 0.0, "threshold", current, target=target)
    start = spec.start if spec.start is not None else 0.0
    if target == start:
        # Nothing to move (only older definitions can say so; new ones are refused): no
        # credit for free, the target counts as reached only once a reading reaches it.
        read = reading is not None and reading.value is not None
        met = read and (current >= target if kind is KeyResultKind.INCREASE else current <= target)
        return _KeyResultScore(1.0 if met else 0.0, "met_or_not", current, start, target)
    raw = (current - start) / (target - start)
    return _KeyResultScore(clamp(raw), "linear", current, start, target, raw)


def key_result_progress(
    spec: KeyResultSpec,
    reading: Reading | None,
    *,
    subject: str = "Key result",
    as_of: dt.datetime | None = None,
    explain: bool = True,
) -> Figure:
    """Progress of a measured key result from its latest reading (or its start if none)."""
    score = _score_key_result(spec, reading)
    value = score.value
    if not explain:
        return Figure(value, _UNEXPLAINED)
    notes: list[str] = []
    has_reading = reading is not None and (reading.value is not None or reading.done is not None)
    if reading is not None and reading.at is not None:
        notes.append(f"Latest reading recorded {reading.at.isoformat(timespec='minutes')}.")
    elif not has_reading:
        notes.append("No check-in yet.")
    unit = spec.unit

    def explained(formula: str, terms: tuple[Term, ...]) -> Figure:
        return Figure(value, Explanation(subject, formula, terms, value, as_of, tuple(notes)))

    if score.case == "milestone":
        label = "Done" if value else "Not done"
        return explained("100 % when done, otherwise 0 %", (Term("reading", None, label, value),))
    if score.case == "no_value":
        return explained("no value yet, so 0 %", ())
    current = score.current
    assert current is not None
    if not has_reading:
        notes.append(f"Using the start value {fmt(current, unit)}.")
    if score.case == "no_target":
        return explained("no target, so 0 %", ())
    current_term = Term("reading", None, f"Current {fmt(current, unit)}", current)
    target = score.target
    if score.case == "threshold":
        sign = ">=" if spec.kind is KeyResultKind.STAY_ABOVE else "<="
        return explained(
            f"100 % while current {sign} threshold {fmt(target, unit)}, otherwise 0 %",
            (current_term, Term("reading", None, f"Threshold {fmt(target, unit)}", target)),
        )
    start = score.start
    terms = (
        Term("reading", None, f"Start {fmt(start, unit)}", start),
        current_term,
        Term("reading", None, f"Target {fmt(target, unit)}", target),
    )
    if score.case == "met_or_not":
        notes.append(
            "Start equals target, so the key result is either met or not; only a check-in "
            "that reaches the target counts."
        )
        return explained("100 % when a check-in reaches the target, otherwise 0 %", terms)
    if score.raw > 1.0:
        notes.append(f"Beyond target ({percent(min(score.raw, 1e6))} % before capping at 100 %).")
    elif score.raw < 0.0:
        notes.append("Moved away from the target; counted as 0 %.")
    return explained(
        f"(current - start) / (target - start) = ({fmt(current)} - {fmt(start)}) / "
        f"({fmt(target)} - {fmt(start)}), kept within 0-100 %",
        terms,
    )


# ---------------------------------------------------------------------------------------
# Objectives and aligned key results


@dataclass(frozen=True)
class Contribution:
    """One input to an objective (a key result or a contributing child objective)."""

    kind: str  # "key_result" or "objective"
    ref: int
    label: str
    progress: float
    weight: float
    cycle_id: int | None = None
    cycle_start: dt.date | None = None
    live: bool = True  # False for abandoned key results and draft/abandoned objectives
    why_not_live: str = ""


def _scope(
    own_cycle_id: int | None, items: Sequence[Contribution]
) -> tuple[list[Contribution], list[Contribution], str]:
    """Split inputs into counted and set-aside for a rolling annual objective.

    An annual objective reviewed quarterly counts inputs set for the year itself plus those
    of its latest quarter that has any; earlier quarters stay in the history.
    """
    sub = [c for c in items if c.cycle_id is not None and c.cycle_id != own_cycle_id]
    if own_cycle_id is None or not sub:
        return list(items), [], ""
    latest = max(sub, key=lambda c: (c.cycle_start or dt.date.min, c.cycle_id or 0))
    focus = latest.cycle_id
    kept = [c for c in items if c.cycle_id in (own_cycle_id, focus)]
    dropped = [c for c in items if c.cycle_id not in (own_cycle_id, focus)]
    note = "Rolling objective: counts the year's own inputs and its latest quarter's."
    return kept, dropped, note


def in_scope(
    own_cycle_id: int | None, items: Sequence[Contribution]
) -> tuple[list[Contribution], list[Contribution]]:
    """The inputs an objective counts and those it sets aside as an earlier quarter's (the
    rolling-objective rule of ``weighted_progress``), for callers that need the split."""
    kept, dropped, _ = _scope(own_cycle_id, items)
    return kept, dropped


def weighted_progress(
    items: Iterable[Contribution],
    *,
    subject: str,
    formula_name: str,
    as_of: dt.datetime | None = None,
    own_cycle_id: int | None = None,
    empty_note: str = "Nothing to count yet, so 0 %.",
    extra_notes: Sequence[str] = (),
    explain: bool = True,
) -> Figure:
    """Weighted mean of live inputs: sum(weight x progress) / sum(weight).

    ``explain=False`` skips writing the explanation (for bulk recomputes); the value is the
    same either way.
    """
    kept, dropped, scope_note = _scope(own_cycle_id, list(items))
    num = 0.0
    den = 0.0
    for c in kept:
        if c.live and c.weight > 0:
            num += c.weight * clamp(c.progress)
            den += c.weight
    value = clamp(num / den) if den > 0 else 0.0
    if not explain:
        return Figure(value, _UNEXPLAINED)

    notes = list(extra_notes)
    if scope_note:
        notes.append(scope_note)
    terms: list[Term] = []
    for c in kept:
        counted = c.live and c.weight > 0
        note = "" if counted else (c.why_not_live or "not counted")
        terms.append(Term(c.kind, c.ref, c.label, clamp(c.progress), c.weight, counted, note))
    for c in dropped:
        terms.append(
            Term(c.kind, c.ref, c.label, clamp(c.progress), c.weight, False, "earlier quarter")
        )
    if den <= 0:
        notes.append(empty_note)
        formula = formula_name
    else:
        formula = f"{formula_name}: sum(weight x progress) / sum(weight) = {num:.4g} / {den:.4g}"
    return Figure(value, Explanation(subject, formula, tuple(terms), value, as_of, tuple(notes)))


def objective_progress(
    mode: ProgressMode,
    key_results: Sequence[Contribution],
    children: Sequence[Contribution],
    *,
    subject: str = "Objective",
    own_cycle_id: int | None = None,
    as_of: dt.datetime | None = None,
    explain: bool = True,
) -> Figure:
    """Objective progress per its mode: key results, contributing children, or both.

    In "both" mode key results and children are pooled into one weighted mean, so a child
    with weight 2 counts as much as two key results of weight 1.
    """
    notes: list[str] = []
    if mode is ProgressMode.KEY_RESULTS:
        items = list(key_results)
        name = "Weighted mean of key results"
        if children:
            notes.append("Aligned objectives are shown but not counted (mode: key results only).")
    elif mode is ProgressMode.CHILDREN:
        items = list(children)
        name = "Weighted mean of contributing objectives"
        if key_results:
            notes.append("Key results are shown but not counted (mode: aligned objectives only).")
    else:
        items = [*key_results, *children]
        name = "Weighted mean of key results and contributing objectives"
    return weighted_progress(
        items,
        subject=subject,
        formula_name=name,
        as_of=as_of,
        own_cycle_id=own_cycle_id,
        extra_notes=notes,
        explain=explain,
    )


def aligned_key_result_progress(
    children: Sequence[Contribution],
    *,
    subject: str = "Key result",
    own_cycle_id: int | None = None,
    as_of: dt.datetime | None = None,
    explain: bool = True,
) -> Figure:
    """A key result that rolls up from the objectives contributing to it."""
    return weighted_progress(
        children,
        subject=subject,
        formula_name="Weighted mean of contributing objectives",
        as_of=as_of,
        own_cycle_id=own_cycle_id,
        explain=explain,
    )


def worst_confidence(values: Iterable[str | None]) -> Confidence | None:
    worst: Confidence | None = None
    for raw in values:
        if not raw:
            continue
        c = Confidence(raw)
        if worst is None or c.severity > worst.severity:
            worst = c
    return worst


# ---------------------------------------------------------------------------------------
# Whole graphs (full recompute and "as of" a past date)


@dataclass(frozen=True)
class KeyResultNode:
    id: int
    objective_id: int
    title: str
    spec: KeyResultSpec
    weight: float
    cycle_id: int
    cycle_start: dt.date | None
    aligned: bool  # rolls up from contributing children instead of check-ins
    live: bool = True
    reading: Reading | None = None


@dataclass(frozen=True)
class ObjectiveNode:
    id: int
    title: str
    mode: ProgressMode
    cycle_id: int
    cycle_start: dt.date | None
    live: bool = True
    why_not_live: str = ""


@dataclass(frozen=True)
class LinkEdge:
    child_id: int
    weight: float
    parent_objective_id: int | None = None
    parent_key_result_id: int | None = None


@dataclass
class GraphResult:
    objectives: dict[int, Figure] = field(default_factory=dict)
    key_results: dict[int, Figure] = field(default_factory=dict)


class CycleInGraph(ValueError):
    pass


def compute_graph(
    objectives: Mapping[int, ObjectiveNode],
    key_results: Mapping[int, KeyResultNode],
    contributing_links: Sequence[LinkEdge],
    *,
    as_of: dt.datetime | None = None,
    explain: bool = True,
) -> GraphResult:
    """Progress of every objective and key result in a graph, leaves first.

    ``contributing_links`` holds only live contributing links whose both ends are in the
    graph. Links to a key result measured by check-ins are ignored (they cannot count).
    """
    kr_by_objective: dict[int, list[KeyResultNode]] = {}
    for kr in key_results.values():
        kr_by_objective.setdefault(kr.objective_id, []).append(kr)
    children_of_obj: dict[int, list[LinkEdge]] = {}
    children_of_kr: dict[int, list[LinkEdge]] = {}
    for link in contributing_links:
        if link.parent_objective_id is not None:
            children_of_obj.setdefault(link.parent_objective_id, []).append(link)
        elif link.parent_key_result_id is not None:
            children_of_kr.setdefault(link.parent_key_result_id, []).append(link)

    result = GraphResult()
    state: dict[tuple[str, int], int] = {}  # 1 = in progress, 2 = done

    def child_contributions(links: list[LinkEdge]) -> list[Contribution]:
        out = []
        for link in sorted(links, key=lambda e: e.child_id):
            node = objectives.get(link.child_id)
            if node is None:
                continue
            fig = visit_objective(node.id)
            out.append(
                Contribution(
                    "objective",
                    node.id,
                    node.title,
                    fig.value,
                    link.weight,
                    node.cycle_id,
                    node.cycle_start,
                    node.live,
                    node.why_not_live,
                )
            )
        return out

    def visit_kr(kr_id: int) -> Figure:
        if kr_id in result.key_results:
            return result.key_results[kr_id]
        key = ("kr", kr_id)
        if state.get(key) == 1:
            raise CycleInGraph(f"key result {kr_id} is part of an alignment cycle")
        state[key] = 1
        kr = key_results[kr_id]
        if kr.aligned:
            fig = aligned_key_result_progress(
                child_contributions(children_of_kr.get(kr_id, [])),
                subject=kr.title,
                own_cycle_id=kr.cycle_id,
                as_of=as_of,
                explain=explain,
            )
        else:
            fig = key_result_progress(
                kr.spec, kr.reading, subject=kr.title, as_of=as_of, explain=explain
            )
        result.key_results[kr_id] = fig
        state[key] = 2
        return fig

    def visit_objective(obj_id: int) -> Figure:
        if obj_id in result.objectives:
            return result.objectives[obj_id]
        key = ("obj", obj_id)
        if state.get(key) == 1:
            raise CycleInGraph(f"objective {obj_id} is part of an alignment cycle")
        state[key] = 1
        node = objectives[obj_id]
        krs = []
        for kr in sorted(kr_by_objective.get(obj_id, []), key=lambda k: k.id):
            fig = visit_kr(kr.id)
            krs.append(
                Contribution(
                    "key_result",
                    kr.id,
                    kr.title,
                    fig.value,
                    kr.weight,
                    kr.cycle_id,
                    kr.cycle_start,
                    kr.live,
                    "" if kr.live else "abandoned",
                )
            )
        fig = objective_progress(
            node.mode,
            krs,
            child_contributions(children_of_obj.get(obj_id, [])),
            subject=node.title,
            own_cycle_id=node.cycle_id,
            as_of=as_of,
            explain=explain,
        )
        result.objectives[obj_id] = fig
        state[key] = 2
        return fig

    for kr_id in sorted(key_results):
        visit_kr(kr_id)
    for obj_id in sorted(objectives):
        visit_objective(obj_id)
    return result
