"""Check 8, attainment used as a rating: review ratings that are the OKR score in disguise.

``attainment_rating.formula``: across at least ``rating_attainment_min_people`` reviewed
people, the Pearson or the Spearman (rank) correlation between their rating and their OKR
attainment is at least ``rating_attainment_correlation``. Pearson catches a linear formula,
Spearman a banded one (rating 5 above 100 %, 4 above 80 %...). Only aggregate figures are
reported: the finding never shows anyone's rating.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .facts import CoachSettings, Population
from .findings import Finding, Level, Subject

CHECK = "attainment_rating"


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's correlation coefficient, or None when it is undefined (fewer than two
    points, or either series constant)."""
    if len(xs) != len(ys):
        raise ValueError("Both series need the same number of points.")
    n = len(xs)
    if n < 2:
        return None
    mx, my = math.fsum(xs) / n, math.fsum(ys) / n
    dx = [x - mx for x in xs]
    dy = [y - my for y in ys]
    sxx = math.fsum(d * d for d in dx)
    syy = math.fsum(d * d for d in dy)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    r = math.fsum(a * b for a, b in zip(dx, dy, strict=True)) / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        mean_rank = (i + j) / 2 + 1
        for k in range(i, j + 1):
            out[order[k]] = mean_rank
        i = j + 1
    return out


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rank correlation (Pearson on tie-averaged ranks), or None if undefined."""
    if len(xs) != len(ys):
        raise ValueError("Both series need the same number of points.")
    return pearson(ranks(xs), ranks(ys))


def check_attainment_rating(
    population: Population, settings: CoachSettings | None = None
) -> list[Finding]:
    settings = settings or CoachSettings()
    points = population.ratings
    if len(points) < max(settings.rating_attainment_min_people, 3):
        return []
    ratings = [float(p.rating) for p in points]
    attainments = [p.attainment for p in points]
    r, rho = pearson(ratings, attainments), spearman(ratings, attainments)
    threshold = settings.rating_attainment_correlation
    if not any(c is not None and c >= threshold for c in (r, rho)):
        return []
    name = population.review_cycle_name or population.cycle.name
    return [
        Finding(
            check=CHECK,
            code="attainment_rating.formula",
            level=Level.WARNING,
            subject=Subject.REVIEW_CYCLE,
            subject_id=(
                population.review_cycle_id
                if population.review_cycle_id is not None
                else population.cycle.id
            ),
            message=(
                f"In {name}, the ratings of {len(points)} people track their OKR attainment "
                f"almost perfectly (Pearson {_fmt(r)}, Spearman {_fmt(rho)}): attainment "
                "looks like it is being used as the rating."
            ),
            suggestion=(
                "The policy is \u201ccontext, not formula\u201d: OKRs ground the conversation "
                "but do not decide the rating. In calibration, look at what was in each "
                "person's control, how ambitious the targets were, their contribution to "
                "the team and the baseline expectations of the role -- and say so in the "
                "review."
            ),
        )
    ]


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"
