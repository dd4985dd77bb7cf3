"""The figures of a calibration session: the distribution of ratings and the 9-box grid.

Pure: plain values in, plain dataclasses out; no Django, no database.

Distribution
    Counts and share of each level of the cycle's scale, over the session and per team and
    per manager. A group smaller than the small-group minimum (four) shows its size only:
    its mean and its counts per level are hidden, in the pages and in the exports alike.
Grid
    Three rows by three columns. Rows are the rating in thirds of the scale (for a five-level
    scale: 1-2, 3, 4-5 ... see ``bands``); columns are OKR attainment in thirds (below 1/3,
    1/3 to 2/3, 2/3 and above) or, when the cycle rates potential, the potential in thirds of
    its scale. A review without a rating, or without the column's value, is listed apart as
    not placed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

RATING_ATTAINMENT = "rating_attainment"
PERFORMANCE_POTENTIAL = "performance_potential"
BAND_NAMES = ("Low", "Middle", "High")
ATTAINMENT_BANDS = ("below 33 %", "33-66 %", "67 % and above")


def bands(values: Sequence[int]) -> list[tuple[int, ...]]:
    """The levels of a scale split into three bands, lowest first, as evenly as possible
    with the middle band the smallest: 5 levels -> (1, 2), (3,), (4, 5); 3 -> one each;
    4 -> (1,), (2, 3), (4,) ... A scale of one or two levels leaves bands empty."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return [(), (), ()]
    if n == 1:
        return [(), (ordered[0],), ()]
    if n == 2:
        return [(ordered[0],), (), (ordered[1],)]
    edge = (n + 1) // 3 if n % 3 == 2 else n // 3
    low = tuple(ordered[:edge])
    high = tuple(ordered[n - edge :])
    middle = tuple(ordered[edge : n - edge])
    return [low, middle, high]


def band_of(value: int | None, split: Sequence[tuple[int, ...]]) -> int | None:
    if value is None:
        return None
    for i, members in enumerate(split):
        if value in members:
            return i
    return None


def attainment_band(attainment: float | None) -> int | None:
    """0, 1 or 2: attainment in thirds (below 1/3, 1/3 to 2/3, 2/3 and above)."""
    if attainment is None:
        return None
    if attainment < 1 / 3 - 1e-9:
        return 0
    if attainment < 2 / 3 - 1e-9:
        return 1
    return 2


@dataclass(frozen=True)
class LevelCount:
    value: int
    label: str
    count: int
    share: float  # of the rated reviews, 0.0-1.0


@dataclass(frozen=True)
class Distribution:
    key: str  # "all", "team:<id>", "manager:<id>"
    name: str
    people: int
    rated: int
    levels: tuple[LevelCount, ...]  # empty when hidden
    mean: float | None  # None when hidden or nothing is rated
    hidden: bool  # fewer people than the minimum: mean and counts withheld


def distribution(
    key: str,
    name: str,
    ratings: Sequence[int | None],
    scale: Sequence[tuple[int, str]],
    *,
    minimum: int,
) -> Distribution:
    """Counts and share per level of ``scale`` ((value, label) pairs) over ``ratings``; a
    group of fewer than ``minimum`` people shows only its size."""
    people = len(ratings)
    rated = [r for r in ratings if r is not None]
    if people < minimum:
        return Distribution(key, name, people, len(rated), (), None, True)
    counts: dict[int, int] = defaultdict(int)
    for r in rated:
        counts[r] += 1
    levels = tuple(
        LevelCount(value, label, counts[value], counts[value] / len(rated) if rated else 0.0)
        for value, label in scale
    )
    mean = sum(rated) / len(rated) if rated else None
    return Distribution(key, name, people, len(rated), levels, mean, False)


def grouped(
    rows: Iterable[tuple[str, str, int | None]],
    scale: Sequence[tuple[int, str]],
    *,
    minimum: int,
) -> list[Distribution]:
    """One distribution per group; ``rows`` are (group key, group name, rating). Groups in
    name order."""
    ratings: dict[str, list[int | None]] = defaultdict(list)
    names: dict[str, str] = {}
    for key, name, rating in rows:
        ratings[key].append(rating)
        names[key] = name
    return [
        distribution(key, names[key], ratings[key], scale, minimum=minimum)
        for key in sorted(ratings, key=lambda k: (names[k].lower(), k))
    ]


@dataclass(frozen=True)
class Placed:
    review_id: int
    name: str


@dataclass(frozen=True)
class Cell:
    row: int  # 0 low .. 2 high (rating)
    column: int  # 0 low .. 2 high (attainment or potential)
    people: tuple[Placed, ...]

    @property
    def count(self) -> int:
        return len(self.people)


@dataclass(frozen=True)
class Grid:
    kind: str
    row_labels: tuple[str, ...]  # high first, as drawn
    column_labels: tuple[str, ...]  # low first
    rows: tuple[tuple[Cell, ...], ...]  # high rating first
    not_placed: tuple[Placed, ...]

    @property
    def labelled_rows(self) -> list[tuple[str, tuple[Cell, ...]]]:
        return list(zip(self.row_labels, self.rows, strict=True))


def _labels(split: Sequence[tuple[int, ...]]) -> tuple[str, ...]:
    out = []
    for name, members in zip(BAND_NAMES, split, strict=True):
        if not members:
            out.append(f"{name} (none)")
        elif len(members) == 1:
            out.append(f"{name} ({members[0]})")
        else:
            out.append(f"{name} ({members[0]}-{members[-1]})")
    return tuple(out)


def grid(
    kind: str,
    rows: Iterable[tuple[int, str, int | None, float | None, int | None]],
    rating_values: Sequence[int],
    potential_values: Sequence[int] = (),
) -> Grid:
    """The 9-box grid over ``rows`` (review id, name, rating, attainment, potential)."""
    rating_split = bands(rating_values)
    potential_split = bands(potential_values)
    cells: dict[tuple[int, int], list[Placed]] = defaultdict(list)
    not_placed: list[Placed] = []
    for review_id, name, rating, attainment, potential in rows:
        row = band_of(rating, rating_split)
        column = (
            band_of(potential, potential_split)
            if kind == PERFORMANCE_POTENTIAL
            else attainment_band(attainment)
        )
        placed = Placed(review_id, name)
        if row is None or column is None:
            not_placed.append(placed)
        else:
            cells[(row, column)].append(placed)
    drawn = tuple(tuple(Cell(r, c, tuple(cells[(r, c)])) for c in range(3)) for r in (2, 1, 0))
    columns = _labels(potential_split) if kind == PERFORMANCE_POTENTIAL else ATTAINMENT_BANDS
    return Grid(kind, tuple(reversed(_labels(rating_split))), columns, drawn, tuple(not_placed))
