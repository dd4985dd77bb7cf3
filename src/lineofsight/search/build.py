"""Filling the index from scratch and checking it against the data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import connection, transaction

from lineofsight.search import index
from lineofsight.search.documents import BATCH, every_document


def current_models() -> dict[str, Any]:
    from lineofsight.goals.models import Initiative, KeyResult, Objective
    from lineofsight.people.models import Person, Team

    return {
        "objective": Objective,
        "key_result": KeyResult,
        "initiative": Initiative,
        "person": Person,
        "team": Team,
    }


def _batches(documents: Iterable[index.Document]) -> Iterable[list[index.Document]]:
    it = iter(documents)
    while batch := list(islice(it, BATCH)):
        yield batch


def fill(models: dict[str, Any], conn: Any = None) -> int:
    """Write every document (the index is expected empty). Returns how many."""
    written = 0
    for batch in _batches(every_document(models)):
        index.write(batch, conn)
        written += len(batch)
    return written


def rebuild() -> int:
    """Empty the index and fill it again, in one transaction. Returns the documents written."""
    with transaction.atomic():
        index.clear()
        written = fill(current_models(), connection)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE search_document")
        return written


@dataclass(frozen=True)
class Verification:
    documents: int
    missing: int
    stale: int
    extra: int

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def verify() -> Verification:
    """Compare the index with the documents the data makes, without changing anything."""
    stored = index.contents()
    missing = stale = 0
    expected = 0
    for doc in every_document(current_models()):
        expected += 1
        found = stored.pop((doc.kind, doc.ref_id), None)
        if found is None:
            missing += 1
        elif found != (doc.title, doc.body):
            stale += 1
    return Verification(expected, missing, stale, len(stored))
