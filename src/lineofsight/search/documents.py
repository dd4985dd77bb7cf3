"""What each kind of thing puts into the index: its title and the text around it.

The functions take the model classes, so the migration can fill the index with its
historical models and ``lineofsight search --rebuild`` with the real ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lineofsight.search.index import Document

BATCH = 2000

# The fields whose change changes a document: a save that touches none of them (a check-in
# updating a key result's progress) leaves the index alone.
TEXT_FIELDS = {
    "objective": {"title", "description"},
    "key_result": {"title", "unit"},
    "initiative": {"title"},
    "person": {"display_name", "first_name", "last_name", "username", "job_title"},
    "team": {"name", "kind"},
}


def person_name(display_name: str, first_name: str, last_name: str, username: str) -> str:
    return display_name or f"{first_name} {last_name}".strip() or username


def objective(o: Any) -> Document:
    return Document("objective", o.pk, o.title, o.description)


def key_result(kr: Any) -> Document:
    return Document("key_result", kr.pk, kr.title, kr.unit)


def initiative(i: Any) -> Document:
    return Document("initiative", i.pk, i.title)


def person(p: Any) -> Document:
    name = person_name(p.display_name, p.first_name, p.last_name, p.username)
    return Document("person", p.pk, name, f"{p.job_title} {p.username}".strip())


def team(t: Any) -> Document:
    return Document("team", t.pk, t.name, _kind(t.kind))


def every_document(models: dict[str, Any]) -> Iterator[Document]:
    """Every document, read in batches of plain values (``models``: kind -> model class)."""
    readers = {
        "objective": (("id", "title", "description"), lambda r: Document("objective", *r)),
        "key_result": (("id", "title", "unit"), lambda r: Document("key_result", *r)),
        "initiative": (("id", "title"), lambda r: Document("initiative", *r)),
        "person": (
            ("id", "display_name", "first_name", "last_name", "username", "job_title"),
            lambda r: Document(
                "person", r[0], person_name(r[1], r[2], r[3], r[4]), f"{r[5]} {r[4]}".strip()
            ),
        ),
        "team": (("id", "name", "kind"), lambda r: Document("team", r[0], r[1], _kind(r[2]))),
    }
    for kind, (fields, build) in readers.items():
        rows = models[kind].objects.order_by("id").values_list(*fields)
        for row in rows.iterator(chunk_size=BATCH):
            yield build(row)


def _kind(value: str) -> str:
    return value.replace("_", " ").capitalize()
