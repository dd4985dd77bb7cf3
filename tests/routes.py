"""Every route of the URL map and every operation of the OpenAPI schema, for the tests that
must cover all of them (the permission matrix, the privacy crawl): a new page or endpoint
shows up here without anyone listing it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    """One named pattern of the URL map: its name (``admin:...`` inside the admin), the
    pattern as written and the names of its parameters."""

    name: str  # "" for an unnamed page, "admin:" for an unnamed pattern of the admin
    namespace: str  # "", "admin" or "api"
    pattern: str
    params: tuple[str, ...]

    @property
    def is_page(self) -> bool:
        """A page of the browser UI (not the admin, not the API)."""
        return self.namespace == ""


def _walk(patterns: Any, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = p.namespace or namespace
            if not p.namespace and str(p.pattern).startswith(("admin/", "api/")):
                inner = str(p.pattern).split("/", 1)[0]
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            params = tuple(p.pattern.regex.groupindex)
            name = f"{namespace}:{p.name or ''}" if namespace else (p.name or "")
            yield Route(name, namespace, prefix + str(p.pattern), params)


def url_routes() -> list[Route]:
    """Every pattern of the URL map, in order (unnamed ones with an empty name)."""
    return list(_walk(get_resolver().url_patterns))


def page_names() -> set[str]:
    """The names of the browser UI's pages."""
    return {r.name for r in url_routes() if r.is_page and r.name}


@dataclass(frozen=True)
class Operation:
    method: str  # "GET", "POST", ...
    path: str  # as in the schema, e.g. "/api/objectives/{id}"
    operation_id: str
    path_params: tuple[str, ...]
    query_params: tuple[tuple[str, bool], ...]  # (name, required)


def api_operations(schema: dict[str, Any]) -> list[Operation]:
    """Every operation of an OpenAPI schema."""
    out = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            params = op.get("parameters", [])
            out.append(
                Operation(
                    method.upper(),
                    path,
                    op["operationId"],
                    tuple(p["name"] for p in params if p["in"] == "path"),
                    tuple(
                        (p["name"], bool(p.get("required"))) for p in params if p["in"] == "query"
                    ),
                )
            )
    return out
