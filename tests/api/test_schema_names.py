"""Every request and response schema of the API has a name of its own.

The OpenAPI document names each schema by its class name; two different classes with the same
name (an ``ObjectiveOut`` in two routers, say) are silently merged into one component, and
responses then no longer match the schema that documents them.
"""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

import lineofsight.api.api  # noqa: F401  (imports every router, so every schema exists)


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def test_schema_class_names_are_unique() -> None:
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("lineofsight."):
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert clashes == {}, f"schemas sharing a name in the OpenAPI document: {clashes}"
