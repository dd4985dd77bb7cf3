"""Pace and forecast in API responses: the schemas of the ``pace``, ``forecast`` and
``risk`` fields, and the functions that fill them from ``goals.tracking``.

The values are exactly the pure functions' (``goals.pace``,
``goals.forecast``), so the API, the pages and the dashboards show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from lineofsight.goals import scoring
from lineofsight.goals.forecast import CombinedForecast, Forecast
from lineofsight.goals.pace import Pace
from lineofsight.goals.tracking import KeyResultTracking, ObjectiveTracking

PaceStatus = Literal["on_track", "at_risk", "off_track", "stale", "pending", "not_started"]
MissRisk = Literal["unlikely", "possible", "likely", "unknown"]


class KeyResultPaceOut(Schema):
    status: PaceStatus = Field(
        description="Status from pace: actual progress against the progress expected by today."
    )
    label: str
    expected: float = Field(description="Progress expected by today (0.0-1.0).")
    actual: float = Field(description="Progress now (0.0-1.0).")
    ratio: float | None = Field(description="actual / expected, when both are meaningful.")
    stale: bool = Field(description="A check-in is overdue: stale is never on track.")
    due_by: dt.date | None = Field(description="The day the next check-in is due by.")
    cadence: Literal["weekly", "biweekly", "monthly"]
    explanation: str


class KeyResultForecastOut(Schema):
    value: float | None = Field(description="Projected value on the cycle's last day.")
    low: float | None = Field(description="Low end of the 80 % band of that value.")
    high: float | None
    progress: float = Field(description="Projected progress (0.0-1.0).")
    progress_low: float
    progress_high: float
    grade: float = Field(description="The end-of-cycle grade the projection would make.")
    miss_risk: MissRisk
    likely_to_miss: bool
    success: float = Field(description="Progress that counts as success: 1.0 committed, 0.7 "
                           "aspirational.")
    method: str = Field(description="linear, hold, final, milestone, aligned or none.")
    explanation: str = Field(description="How the projection was made.")


class ObjectiveRiskOut(Schema):
    total: int = Field(description="Key results tracked.")
    counts: dict[str, int] = Field(description="Key results in each pace status.")
    worst: PaceStatus | None
    attention: int = Field(description="Key results at risk, off track or stale.")
    likely_to_miss: int = Field(description="Key results projected to fall short of success.")


class ObjectiveForecastOut(Schema):
    progress: float
    progress_low: float
    progress_high: float
    grade: float
    miss_risk: MissRisk
    likely_to_miss: bool
    success: float
    explanation: str


# Shorter names for the same schemas (the OpenAPI document shows the class names above).
PaceOut = KeyResultPaceOut
ForecastOut = KeyResultForecastOut
RiskOut = ObjectiveRiskOut
CombinedForecastOut = ObjectiveForecastOut


def pace_row(pace: Pace, cadence: str) -> dict[str, Any]:
    return {
        "status": pace.status.value,
        "label": pace.label,
        "expected": pace.expected,
        "actual": pace.actual,
        "ratio": pace.ratio,
        "stale": pace.stale,
        "due_by": pace.due_by,
        "cadence": cadence,
        "explanation": pace.explanation,
    }


def forecast_row(forecast: Forecast) -> dict[str, Any]:
    return {
        "value": forecast.value,
        "low": forecast.low,
        "high": forecast.high,
        "progress": forecast.progress,
        "progress_low": forecast.progress_low,
        "progress_high": forecast.progress_high,
        "grade": forecast.grade,
        "miss_risk": forecast.miss_risk.value,
        "likely_to_miss": forecast.likely_to_miss,
        "success": forecast.success,
        "method": forecast.method,
        "explanation": forecast.explanation,
    }


def combined_row(forecast: CombinedForecast) -> dict[str, Any]:
    return {
        "progress": forecast.progress,
        "progress_low": forecast.progress_low,
        "progress_high": forecast.progress_high,
        "grade": scoring.grade(forecast.progress),
        "miss_risk": forecast.miss_risk.value,
        "likely_to_miss": forecast.miss_risk.value == "likely",
        "success": forecast.success,
        "explanation": forecast.explanation,
    }


def key_result_fields(tracking: KeyResultTracking | None) -> dict[str, Any]:
    """``pace`` and ``forecast`` of a key result (null when it is not tracked: abandoned,
    or its objective is)."""
    if tracking is None:
        return {"pace": None, "forecast": None}
    return {
        "pace": pace_row(tracking.pace, tracking.cadence.value),
        "forecast": forecast_row(tracking.forecast) if tracking.forecast else None,
    }


def objective_fields(tracking: ObjectiveTracking | None) -> dict[str, Any]:
    """``risk`` and the combined ``forecast`` of an objective."""
    if tracking is None:
        return {"risk": None, "forecast": None}
    risk = tracking.risk
    return {
        "risk": {
            "total": risk.total,
            "counts": dict(risk.counts),
            "worst": risk.worst.value if risk.worst else None,
            "attention": risk.attention,
            "likely_to_miss": tracking.likely_to_miss,
        },
        "forecast": combined_row(tracking.forecast) if tracking.forecast else None,
    }
