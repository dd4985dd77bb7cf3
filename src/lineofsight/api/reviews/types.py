"""Field types for the review parts of the API: choices pinned to the review models' and
bounded text. (Kept apart from ``types`` so the review routers share one definition.)"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from lineofsight.api.types import text

PolicyModeName = Literal["context", "formula"]
SectionName = Literal["okrs", "baseline", "contribution", "growth", "general"]
AnswerKindName = Literal["text", "rating", "rating_text"]
ReviewCycleKind = Literal["quarter", "annual"]
ReviewCycleState = Literal["draft", "open", "closed"]
PopulationKind = Literal["organisation", "teams", "people"]
FormulaPart = Literal["okr_attainment", "baseline", "manager"]

PolicyText = text(20_000)
ShortText = text(500)
HelpText = text(2_000)
DescriptionText = text(5_000)
LevelLabel = text(80, min_length=1)
Name = text(200, min_length=1)
OptionalName = text(200)
ScaleValue = Annotated[int, Field(ge=1, le=10, strict=True)]
FormulaWeight = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False, strict=True)]
