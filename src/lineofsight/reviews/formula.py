"""The explicit weighted formula HR may state for a review cycle, and what it indicates.

Pure: plain values in, plain dataclasses out; no Django, no database, no clock.

By default (the policy's *context* mode) OKRs are discussed in reviews as context and nothing
is computed: ``indicate`` returns ``None``. HR may instead state, for one cycle, an explicit
weighted formula over up to three parts, each read on the cycle's rating scale:

``okr_attainment``
    The person's OKR attainment for the period (0.0-1.0) mapped linearly onto the scale:
    0 is the lowest level, 1 the highest (attainment above 1 counts as 1).
``baseline``
    The mean of the baseline-expectation ratings (reliability, communication, routine work)
    in the manager review.
``manager``
    The manager's overall rating.

The figure is the weighted mean over the parts that are **present**. A part that is missing
(no graded objectives, no baseline ratings, no rating yet) is left out and the remaining
weights are renormalised so they sum to one again; it is never counted as zero. A part with
weight 0 is not in the formula at all. When every weighted part is missing there is no
figure. The figure is evidence for the conversation and for calibration; it never sets the
rating.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

CONTEXT = "context"
FORMULA = "formula"

OKR_ATTAINMENT = "okr_attainment"
BASELINE = "baseline"
MANAGER = "manager"
PARTS: tuple[str, ...] = (OKR_ATTAINMENT, BASELINE, MANAGER)
PART_LABELS: dict[str, str] = {
    OKR_ATTAINMENT: "OKR attainment",
    BASELINE: "Baseline expectations",
    MANAGER: "Manager's rating",
}
PART_WORDS: dict[str, str] = {
    OKR_ATTAINMENT: "OKR attainment",
    BASELINE: "baseline expectations",
    MANAGER: "manager's rating",
}
MAX_WEIGHT = 1000.0
# A weight is 0 (the part is left out) or at least this: smaller ones are typing slips, and
# renormalising them loses all precision.
MIN_WEIGHT = 0.001


class FormulaError(ValueError):
    """Weights that do not make a formula. ``errors`` maps a field name to a message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


def weight_errors(weights: object, *, field_name: str = "formula_weights") -> dict[str, str]:
    """What is wrong with a stated set of weights, by field (``formula_weights.manager``);
    empty when they make a formula. Weights are 0, or numbers from 0.001 to 1000, over the
    known parts, at least one above 0; they need not sum to one (they are renormalised)."""
    if not isinstance(weights, Mapping):
        return {field_name: 'Give the weights as parts and numbers, e.g. {"manager": 1}.'}
    errors: dict[str, str] = {}
    positive = False
    for key, value in weights.items():
        name = f"{field_name}.{key}"
        if key not in PARTS:
            errors[name] = f"Unknown part {key!r}; the parts are {', '.join(PARTS)}."
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            errors[name] = "Enter a number."
            continue
        number = float(value)
        if not math.isfinite(number):
            errors[name] = "Enter a finite number."
        elif number < 0:
            errors[name] = "A weight cannot be negative."
        elif number > MAX_WEIGHT:
            errors[name] = f"Keep a weight at or under {MAX_WEIGHT:g}."
        elif 0 < number < MIN_WEIGHT:
            errors[name] = f"Give a weight of 0 or at least {MIN_WEIGHT:g}."
        elif number > 0:
            positive = True
    if not errors and not positive:
        errors[field_name] = "Give at least one part a weight above 0."
    return errors


def clean_weights(weights: object) -> dict[str, float]:
    """The weights as floats over the known parts (0 for a part not named); raises
    ``FormulaError`` naming the field when they do not make a formula."""
    errors = weight_errors(weights)
    if errors:
        raise FormulaError(errors)
    assert isinstance(weights, Mapping)
    return {part: float(weights.get(part, 0) or 0) for part in PARTS}


def attainment_on_scale(attainment: float, low: float, high: float) -> float:
    """Attainment 0.0-1.0 read on a rating scale from ``low`` to ``high`` (clamped)."""
    share = min(1.0, max(0.0, attainment))
    return low + share * (high - low)


def mean(values: Iterable[float | int | None]) -> float | None:
    """The mean of the values given (``None`` entries are not values); None when none."""
    present = [float(v) for v in values if v is not None]
    if not present:
        return None
    return sum(present) / len(present)


@dataclass(frozen=True)
class Part:
    """One part of the formula for one review."""

    name: str
    label: str
    weight: float  # as stated
    raw: float | None  # the input: attainment 0-1, or a value on the scale
    value: float | None  # on the rating scale; None when missing
    used_weight: float  # after renormalising; 0 when left out

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Indication:
    """What the formula indicates for one review, and how."""

    value: float | None  # on the rating scale; None when every weighted part is missing
    nearest: int | None  # the level of the scale nearest to it
    parts: tuple[Part, ...]
    left_out: tuple[str, ...] = field(default=())  # weighted parts that were missing
    scale: tuple[int, ...] = field(default=())

    @property
    def weights_used(self) -> dict[str, float]:
        return {p.name: p.used_weight for p in self.parts if p.used_weight > 0}

    def lines(self) -> list[str]:
        """The explanation in words: inputs, weights used, parts left out."""
        out: list[str] = []
        for p in self.parts:
            if p.weight <= 0:
                continue
            if p.value is None:
                out.append(f"{p.label}: missing, left out (stated weight {p.weight:g}).")
                continue
            given = (
                f"{round(p.raw * 100)} % -> {p.value:.2f} on the scale"
                if p.name == OKR_ATTAINMENT and p.raw is not None
                else f"{p.value:.2f}"
            )
            out.append(f"{p.label}: {given}, weight {p.used_weight:.2f} (stated {p.weight:g}).")
        if self.value is None:
            out.append("Every part of the formula is missing: it indicates nothing.")
        else:
            nearest = f" (nearest level {self.nearest})" if self.nearest is not None else ""
            out.append(f"Formula indicates {self.value:.2f}{nearest}.")
        if self.left_out:
            names = ", ".join(PART_WORDS[n] for n in self.left_out)
            out.append(f"Left out as missing, never counted as zero: {names}.")
        return out


def nearest_level(value: float, levels: Iterable[int]) -> int | None:
    """The level nearest to ``value`` (halves go up)."""
    ordered = sorted(levels)
    if not ordered:
        return None
    return min(ordered, key=lambda level: (abs(level - value), -level))


def compute(
    weights: Mapping[str, float],
    *,
    scale: Iterable[int],
    attainment: float | None,
    baseline: float | None,
    manager: float | None,
) -> Indication:
    """The weighted mean over the present parts (weights renormalised over them)."""
    levels = tuple(sorted(set(scale)))
    if not levels:
        raise FormulaError({"rating_scale": "The cycle has no rating scale."})
    cleaned = clean_weights(weights)
    low, high = float(levels[0]), float(levels[-1])
    values: dict[str, tuple[float | None, float | None]] = {
        OKR_ATTAINMENT: (
            attainment,
            None if attainment is None else attainment_on_scale(attainment, low, high),
        ),
        BASELINE: (baseline, baseline),
        MANAGER: (manager, manager),
    }
    present = {name: w for name, w in cleaned.items() if w > 0 and values[name][1] is not None}
    total = sum(present.values())
    parts = tuple(
        Part(
            name=name,
            label=PART_LABELS[name],
            weight=cleaned[name],
            raw=values[name][0],
            value=values[name][1],
            used_weight=(present[name] / total) if name in present else 0.0,
        )
        for name in PARTS
    )
    left_out = tuple(name for name in PARTS if cleaned[name] > 0 and values[name][1] is None)
    if not present:
        return Indication(None, None, parts, left_out, levels)
    value = sum(p.used_weight * (p.value or 0.0) for p in parts if p.name in present)
    value = min(high, max(low, value))
    return Indication(value, nearest_level(value, levels), parts, left_out, levels)


def indicate(
    mode: str,
    weights: Mapping[str, float] | None,
    *,
    scale: Iterable[int],
    attainment: float | None,
    baseline: float | None,
    manager: float | None,
) -> Indication | None:
    """What the cycle's policy indicates for one review: nothing in context mode (the
    default); the formula's figure in formula mode."""
    if mode != FORMULA:
        return None
    return compute(
        weights or {},
        scale=scale,
        attainment=attainment,
        baseline=baseline,
        manager=manager,
    )


def describe(weights: Mapping[str, float]) -> str:
    """The stated formula in words, e.g. "40 % OKR attainment, 60 % manager's rating"."""
    cleaned = clean_weights(weights)
    total = sum(cleaned.values())
    return ", ".join(
        f"{round(100 * w / total)} % {PART_WORDS[name]}" for name, w in cleaned.items() if w > 0
    )
