"""Forecasts: where will a key result land at the end of its cycle, and how sure is that?

Pure: plain values in, a ``Forecast`` out; no Django, no database, no clock. Dashboards,
burn-up charts, digests and the API all call ``forecast_key_result``, so a projection is the
same number everywhere, and each carries the words that say how it was made.

The method, for key results measured by a number:

* The points are the cycle's readings up to today (the latest of each day), plus the key
  result's start value on the cycle's first day when it has one (the plan's starting point).
* With two points or more, a straight line is fitted through them by least squares and read
  off on the cycle's last day: the projected end value.
* The band around it is an 80 % prediction interval of that line (Student's t on the
  scatter of the points around it). With only two points there is no scatter to measure, so
  the band is half the change still projected, either way. It is never narrower than a
  tenth of the projected change still to come.
* Projected value and band ends are scored exactly like a reading (``goals.scoring``), giving
  the projected progress, its band and the end-of-cycle grade.
* "Likely to miss" means the projected progress falls short of success: 1.0 for committed
  objectives, 0.7 for aspirational ones. "Possible" means only the band's low end does.

Milestones are done or not: a done milestone is forecast at 100 %; one not done has no trend
to project (the owner's confidence is the signal), until the cycle ends not done. Once a
cycle has ended the forecast is simply where the key result landed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from lineofsight.goals.scoring import (
    KeyResultKind,
    KeyResultSpec,
    Reading,
    fmt,
    grade,
    key_result_progress,
    percent,
)

# Two-sided 80 % Student's t quantiles (the 90th percentile) by degrees of freedom.
_T80 = {1: 3.078, 2: 1.886, 3: 1.638, 4: 1.533, 5: 1.476, 6: 1.440, 7: 1.415, 8: 1.397,
        9: 1.383, 10: 1.372, 12: 1.356, 15: 1.341, 20: 1.325, 30: 1.310}
_T80_LIMIT = 1.282

SUCCESS_COMMITTED = 1.0
SUCCESS_ASPIRATIONAL = 0.7


def success_threshold(commitment: str) -> float:
    """The progress that counts as success: committed objectives 1.0, aspirational 0.7."""
    return SUCCESS_COMMITTED if commitment == "committed" else SUCCESS_ASPIRATIONAL


def _t80(df: int) -> float:
    """The t quantile for ``df`` degrees of freedom, rounded towards fewer (a wider band)."""
    if df <= 0:
        return math.inf
    if df > max(_T80):
        return _T80_LIMIT
    return _T80[max(known for known in _T80 if known <= df)]


class MissRisk(StrEnum):
    UNLIKELY = "unlikely"
    POSSIBLE = "possible"
    LIKELY = "likely"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {
            "unlikely": "Likely to succeed",
            "possible": "Could miss",
            "likely": "Likely to miss",
            "unknown": "No trend yet",
        }[self.value]


@dataclass(frozen=True)
class Point:
    day: dt.date
    value: float


@dataclass(frozen=True)
class Forecast:
    value: float | None  # projected value on the cycle's last day
    low: float | None  # 80 % band of that value
    high: float | None
    progress: float  # projected progress, 0.0-1.0
    progress_low: float
    progress_high: float
    success: float  # the progress that counts as success
    miss_risk: MissRisk
    method: str
    explanation: str
    points_used: int

    @property
    def grade(self) -> float:
        return grade(self.progress)

    @property
    def likely_to_miss(self) -> bool:
        return self.miss_risk is MissRisk.LIKELY


@dataclass(frozen=True)
class Line:
    slope: float
    intercept: float
    n: int
    residual_sd: float | None  # None with fewer than three points
    mean_x: float
    sxx: float

    def at(self, x: float) -> float:
        return self.intercept + self.slope * x

    def half_width(self, x: float) -> float | None:
        """Half the 80 % prediction interval at ``x`` (None when the scatter is unknown)."""
        if self.residual_sd is None:
            return None
        spread = math.sqrt(1 + 1 / self.n + (x - self.mean_x) ** 2 / self.sxx)
        return _t80(self.n - 2) * self.residual_sd * spread


def fit_line(xs: Sequence[float], ys: Sequence[float]) -> Line | None:
    """Least-squares straight line through the points; None with fewer than two distinct xs."""
    n = len(xs)
    if n < 2 or n != len(ys):
        return None
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx <= 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = mean_y - slope * mean_x
    residual_sd = None
    if n >= 3:
        sse = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
        residual_sd = math.sqrt(sse / (n - 2))
    return Line(slope, intercept, n, residual_sd, mean_x, sxx)


def _points_in_cycle(
    points: Sequence[Point], start: dt.date, today: dt.date, spec: KeyResultSpec
) -> tuple[list[Point], bool]:
    """The readings to fit (latest of each day) and whether the start value was added."""
    by_day: dict[dt.date, float] = {}
    for point in sorted(points, key=lambda p: p.day):
        if start <= point.day <= today and math.isfinite(point.value):
            by_day[point.day] = point.value  # the latest reading of a day wins
    anchored = False
    if spec.start is not None and start not in by_day and not spec.kind.is_threshold and by_day:
        by_day[start] = spec.start
        anchored = True
    return [Point(day, value) for day, value in sorted(by_day.items())], anchored


def _progress_of(spec: KeyResultSpec, value: float) -> float:
    return key_result_progress(spec, Reading(value), explain=False).value


def _risk(progress: float, low: float, success: float) -> MissRisk:
    if progress + 1e-9 < success:
        return MissRisk.LIKELY
    if low + 1e-9 < success:
        return MissRisk.POSSIBLE
    return MissRisk.UNLIKELY


def forecast_key_result(
    *,
    spec: KeyResultSpec,
    points: Sequence[Point],
    cycle_start: dt.date,
    cycle_end: dt.date,
    today: dt.date,
    done: bool = False,
    current_progress: float = 0.0,
    success: float = SUCCESS_ASPIRATIONAL,
) -> Forecast:
    """Project one key result to its cycle's last day (see the module's method)."""
    unit = spec.unit
    ended = today >= cycle_end

    def flat(progress: float, risk: MissRisk, method: str, text: str, used: int = 0) -> Forecast:
        return Forecast(None, None, None, progress, progress, progress, success, risk, method,
                        text, used)

    if spec.kind is KeyResultKind.MILESTONE:
        if done:
            return flat(1.0, MissRisk.UNLIKELY, "milestone", "The milestone is done.")
        if ended:
            return flat(0.0, MissRisk.LIKELY, "milestone", "The cycle ended with it not done.")
        return Forecast(None, None, None, 0.0, 0.0, 1.0, success, MissRisk.UNKNOWN, "milestone",
                        "A milestone is done or not; there is no trend to project. The "
                        "owner's confidence is the signal until it is done.", 0)

    used, anchored = _points_in_cycle(points, cycle_start, min(today, cycle_end), spec)
    readings = len(used) - (1 if anchored else 0)
    if ended and used:
        last = used[-1]
        progress = _progress_of(spec, last.value)
        return Forecast(last.value, last.value, last.value, progress, progress, progress,
                        success, _risk(progress, progress, success), "final",
                        f"The cycle has ended: the last reading, {fmt(last.value, unit)}, is "
                        f"where it landed ({percent(progress)} %).", len(used))
    if not readings:
        return flat(current_progress, MissRisk.UNKNOWN, "none",
                    "No check-ins this cycle yet, so there is no trend to project.")

    end_x = float((cycle_end - cycle_start).days)
    xs = [float((p.day - cycle_start).days) for p in used]
    ys = [p.value for p in used]
    line = fit_line(xs, ys)
    last = used[-1]
    if line is None:
        # One reading and no start value: hold it steady, with a band as wide as the scale.
        progress = _progress_of(spec, last.value)
        return Forecast(last.value, None, None, progress, 0.0, 1.0, success, MissRisk.UNKNOWN,
                        "hold", f"Only one reading ({fmt(last.value, unit)}); a trend needs "
                        "two. Assuming it holds, it would end at "
                        f"{percent(progress)} %.", len(used))

    value = line.at(end_x)
    still_to_come = abs(value - last.value)
    half = line.half_width(end_x)
    if half is None:
        half = 0.5 * still_to_come
        band_words = "half the change still projected, either way (two points show no scatter)"
    else:
        band_words = "80 % prediction interval of the fitted line"
    half = max(half, 0.1 * still_to_come)
    low_value, high_value = value - half, value + half
    progress = _progress_of(spec, value)
    ends = sorted((_progress_of(spec, low_value), _progress_of(spec, high_value)))
    risk = _risk(progress, ends[0], success)
    anchor = " and the start value on the cycle's first day" if anchored else ""
    per_week = line.slope * 7
    text = (
        f"A straight line through {readings} reading{'s' if readings != 1 else ''}"
        f"{anchor} (least squares) moves {fmt(round(per_week, 4), unit)} a week and reaches "
        f"{fmt(round(value, 4), unit)} on {cycle_end.isoformat()}: {percent(progress)} % "
        f"(band {percent(ends[0])}-{percent(ends[1])} %, {band_words}). Success needs "
        f"{percent(success)} %: {risk.label.lower()}."
    )
    return Forecast(value, low_value, high_value, progress, ends[0], ends[1], success, risk,
                    "linear", text, len(used))


@dataclass(frozen=True)
class CombinedForecast:
    progress: float
    progress_low: float
    progress_high: float
    success: float
    miss_risk: MissRisk
    explanation: str

    @property
    def grade(self) -> float:
        return grade(self.progress)


def combine(
    items: Sequence[tuple[float, Forecast]], *, success: float = SUCCESS_ASPIRATIONAL
) -> CombinedForecast:
    """An objective's (or team's) forecast: the weighted mean of its key results' projected
    progress and of their band ends. Unknown trends count at their current figures."""
    total = sum(weight for weight, _ in items if weight > 0)
    if total <= 0:
        return CombinedForecast(0.0, 0.0, 0.0, success, MissRisk.UNKNOWN,
                                "Nothing to project: no weighted key results.")
    mean = sum(w * f.progress for w, f in items if w > 0) / total
    low = sum(w * f.progress_low for w, f in items if w > 0) / total
    high = sum(w * f.progress_high for w, f in items if w > 0) / total
    unknown = sum(1 for w, f in items if w > 0 and f.miss_risk is MissRisk.UNKNOWN)
    risk = MissRisk.UNKNOWN if unknown == len(items) else _risk(mean, low, success)
    text = (
        f"Weighted mean of {len(items)} projection{'s' if len(items) != 1 else ''}: "
        f"{percent(mean)} % (band {percent(low)}-{percent(high)} %). Success needs "
        f"{percent(success)} %: {risk.label.lower()}."
    )
    if unknown and risk is not MissRisk.UNKNOWN:
        text += f" {unknown} without a trend count at their current progress."
    return CombinedForecast(mean, low, high, success, risk, text)
