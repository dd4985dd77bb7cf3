"""What every router shares: request bodies that refuse unknown fields, errors, pages,
and the references a request body names.

Names are snake_case, ids are integers, instants are ISO 8601 with their offset, progress is
a float from 0.0 to 1.0 with ``percent`` its whole-number percentage. Request bodies refuse
unknown fields. PATCH bodies change only the fields they contain."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from ninja import Schema
from pydantic import ConfigDict, Field

from lineofsight.api.types import MAX_OFFSET
from lineofsight.core.errors import InvalidInput

T = TypeVar("T")


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------------------------------
# Errors and pages


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in one sentence.")
    errors: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Messages by field name (dotted for nested fields); '__all__' for the "
        "request as a whole.",
    )


class Page(Schema, Generic[T]):
    count: int = Field(description="How many items match, over all pages.")
    limit: int
    offset: int
    items: list[T]


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=500, description="Items per page (1-500).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")




M = TypeVar("M", bound=Model)


# ---------------------------------------------------------------------------------------
# Pages


def page_of(qs: QuerySet[M], query: PageQuery) -> tuple[int, list[M]]:
    """The total count and the requested slice: two queries whatever the sizes."""
    total = qs.count()
    if total == 0 or query.offset >= total:
        return total, []
    return total, list(qs[query.offset : query.offset + query.limit])


def page(total: int, query: PageQuery, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"count": total, "limit": query.limit, "offset": query.offset, "items": items}


# ---------------------------------------------------------------------------------------
# References in request bodies


class References:
    """Resolve the ids a request body names, each through a queryset of what the caller may
    see; every id that resolves to nothing is reported (422) under its field name."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def get(self, qs: QuerySet[M], pk: int | None, field: str, what: str) -> M | None:
        if pk is None:
            return None
        found = qs.filter(pk=pk).first()
        if found is None:
            self.errors.setdefault(field, []).append(f"No {what} with id {pk} that you can see.")
        return found

    def error(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def check(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)
