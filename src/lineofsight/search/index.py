"""The full-text index, behind one small interface whichever database runs.

* SQLite: an FTS5 virtual table ``search_fts(title, body)`` whose rowid encodes the kind and
  the id (``id * 8 + kind code``), so a document is replaced or removed by its rowid.
* PostgreSQL: a table ``search_document(kind, ref_id, title, body, document)`` whose
  ``document`` is a stored ``tsvector`` (the title weighted A, the body B) with a GIN index.

The index holds text only. Who may see a hit, its state and its cycle are read from the
objects themselves when searching, so a change of visibility or state never needs the
index, and the index never decides access.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

from lineofsight.search.query import Query

KINDS = ("objective", "key_result", "initiative", "person", "team")
CODE = {kind: n for n, kind in enumerate(KINDS, start=1)}
KIND_OF = {n: kind for kind, n in CODE.items()}
STRIDE = 8

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')"
)
SQLITE_DROP = "DROP TABLE IF EXISTS search_fts"
POSTGRES_CREATE = (
    "CREATE TABLE search_document ("
    " kind smallint NOT NULL,"
    " ref_id integer NOT NULL,"
    " title text NOT NULL,"
    " body text NOT NULL,"
    " document tsvector GENERATED ALWAYS AS ("
    "  setweight(to_tsvector('simple', title), 'A') ||"
    "  setweight(to_tsvector('simple', body), 'B')) STORED,"
    " PRIMARY KEY (kind, ref_id))",
    "CREATE INDEX search_document_gin ON search_document USING gin (document)",
)
POSTGRES_DROP = "DROP TABLE IF EXISTS search_document"

# How many text matches per kind are read before the access policy filters them.
CANDIDATES = 200


@dataclass(frozen=True)
class Document:
    kind: str
    ref_id: int
    title: str
    body: str = ""


@dataclass(frozen=True)
class Hit:
    kind: str
    ref_id: int
    score: float  # lower is better


def create(conn: BaseDatabaseWrapper) -> None:
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            for statement in POSTGRES_CREATE:
                cursor.execute(statement)
        else:
            cursor.execute(SQLITE_CREATE)


def drop(conn: BaseDatabaseWrapper) -> None:
    with conn.cursor() as cursor:
        cursor.execute(POSTGRES_DROP if conn.vendor == "postgresql" else SQLITE_DROP)


def _rowid(kind: str, ref_id: int) -> int:
    return ref_id * STRIDE + CODE[kind]


def write(documents: Iterable[Document], conn: BaseDatabaseWrapper | None = None) -> None:
    """Add or replace these documents."""
    conn = conn or default_connection
    docs = list(documents)
    if not docs:
        return
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.executemany(
                "INSERT INTO search_document (kind, ref_id, title, body) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (kind, ref_id) DO UPDATE"
                " SET title = EXCLUDED.title, body = EXCLUDED.body",
                [(CODE[d.kind], d.ref_id, d.title, d.body) for d in docs],
            )
        else:
            rowids = [(_rowid(d.kind, d.ref_id),) for d in docs]
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", rowids)
            cursor.executemany(
                "INSERT INTO search_fts (rowid, title, body) VALUES (%s, %s, %s)",
                [(_rowid(d.kind, d.ref_id), d.title, d.body) for d in docs],
            )


def remove(kind: str, ref_ids: Iterable[int], conn: BaseDatabaseWrapper | None = None) -> None:
    conn = conn or default_connection
    ids = list(ref_ids)
    if not ids:
        return
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "DELETE FROM search_document WHERE kind = %s AND ref_id = ANY(%s)",
                [CODE[kind], ids],
            )
        else:
            cursor.executemany(
                "DELETE FROM search_fts WHERE rowid = %s", [(_rowid(kind, i),) for i in ids]
            )


def clear(conn: BaseDatabaseWrapper | None = None) -> None:
    conn = conn or default_connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("TRUNCATE search_document")
        else:
            cursor.execute("DELETE FROM search_fts")


def contents(conn: BaseDatabaseWrapper | None = None) -> dict[tuple[str, int], tuple[str, str]]:
    """Everything indexed, by (kind, id): for ``lineofsight search --verify``."""
    conn = conn or default_connection
    found: dict[tuple[str, int], tuple[str, str]] = {}
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SELECT kind, ref_id, title, body FROM search_document")
            for code, ref_id, title, body in cursor.fetchall():
                found[(KIND_OF[code], ref_id)] = (title, body)
        else:
            cursor.execute("SELECT rowid, title, body FROM search_fts")
            for rowid, title, body in cursor.fetchall():
                found[(KIND_OF[rowid % STRIDE], rowid // STRIDE)] = (title, body)
    return found


def match(
    query: Query,
    kinds: Sequence[str] = KINDS,
    per_kind: int = CANDIDATES,
    conn: BaseDatabaseWrapper | None = None,
) -> list[Hit]:
    """The best text matches of each kind (titles weigh more than the rest), one query."""
    conn = conn or default_connection
    if query.is_empty or not kinds:
        return []
    codes = [CODE[k] for k in kinds]
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "SELECT kind, ref_id, score FROM ("
                " SELECT kind, ref_id, score,"
                "  row_number() OVER (PARTITION BY kind ORDER BY score, ref_id) AS n"
                " FROM (SELECT kind, ref_id, -ts_rank(document, q) AS score"
                "  FROM search_document, to_tsquery('simple', %s) AS q"
                "  WHERE document @@ q AND kind = ANY(%s)) AS hits"
                ") AS ranked WHERE n <= %s",
                [query.postgres_tsquery(), codes, per_kind],
            )
            return [Hit(KIND_OF[k], ref_id, float(s)) for k, ref_id, s in cursor.fetchall()]
        cursor.execute(
            "WITH hits AS ("
            " SELECT rowid AS r, bm25(search_fts, 10.0, 1.0) AS score"
            " FROM search_fts WHERE search_fts MATCH %s)"
            " SELECT r, score FROM ("
            "  SELECT r, score, row_number() OVER (PARTITION BY r %% 8 ORDER BY score, r) AS n"
            "  FROM hits WHERE r %% 8 IN (SELECT value FROM json_each(%s)))"
            " WHERE n <= %s",
            [query.sqlite_match(), json.dumps(codes), per_kind],
        )
        return [Hit(KIND_OF[r % STRIDE], r // STRIDE, float(s)) for r, s in cursor.fetchall()]
