"""``GET /api/search``: the navigation's search over HTTP, under the same access policy."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from lineofsight.api.auth import caller
from lineofsight.api.errors import READ_ERRORS
from lineofsight.api.types import Search
from lineofsight.core.errors import InvalidInput
from lineofsight.search import selectors

router = Router(tags=["search"])

Kind = Literal["objective", "key_result", "initiative", "person", "team"]


class SearchQuery(Schema):
    q: Search = Field(
        "", description="What to look for; each word matches as the start of a word (prefix)."
    )
    kinds: str = Field(
        "",
        description="Comma-separated kinds to search: objective, key_result, initiative, "
        "person, team. Default: all.",
    )
    limit: int = Field(5, ge=1, le=selectors.MAX_LIMIT, description="Results per kind.")


class SearchResultOut(Schema):
    kind: Kind
    id: int
    title: str
    url: str = Field(description="The page that shows it.")
    context: str = Field(description="Its cycle and owner, or a person's job title.")
    state: str = Field(description="Empty when live; else Abandoned, Closed, Draft, Done...")


class SearchGroupOut(Schema):
    kind: Kind
    label: str
    results: list[SearchResultOut]


class SearchOut(Schema):
    q: str
    terms: list[str] = Field(description="The words searched for, as the index compares them.")
    groups: list[SearchGroupOut]


@router.get("", response={200: SearchOut, **READ_ERRORS})
def search(request: HttpRequest, filters: Query[SearchQuery]) -> Any:
    """Objectives, key results, initiatives, people and teams you may see that match ``q``,
    best first (titles over descriptions, whole words over prefixes, live over abandoned or
    closed, the current cycle first), grouped by kind. Never counts what you may not see."""
    kinds = [k.strip() for k in filters.kinds.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in selectors.KINDS]
    if unknown:
        raise InvalidInput.one(
            "kinds", f"Unknown kind {unknown[0]!r}; use {', '.join(selectors.KINDS)}."
        )
    found = selectors.search(caller(request), filters.q, kinds=kinds or None, limit=filters.limit)
    return {
        "q": found.query.text,
        "terms": list(found.query.terms),
        "groups": [
            {
                "kind": g.kind,
                "label": g.label,
                "results": [
                    {
                        "kind": r.kind,
                        "id": r.id,
                        "title": r.title,
                        "url": r.url,
                        "context": r.context,
                        "state": r.state,
                    }
                    for r in g.results
                ],
            }
            for g in found.groups
        ],
    }
