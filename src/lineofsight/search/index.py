"""The full-text index, behind one small interface whichever database runs.

* SQLite: an FTS5 virtual table ``search_fts(kind, title, body)`` whose rowid encodes the
  kind and the id (``id * 8 + kind code``), so a document is replaced or removed by its
  rowid; ``kind`` holds a token (``k1``...) so one kind's matches are found in the index.
* PostgreSQL: a table ``search_document(kind, ref_id, title, body, document)`` whose
  ``document`` is a stored ``tsvector`` (the title weighted A, the body B) with a GIN index.

The index holds text only. Who may see a hit, its state and its cycle are read from the
objects themselves when searching, so a change of visibility or state never needs the
index, and the index never decides access.
"""

from __future__ import annotations

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
    "kind, title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')"
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

# How many text matches per kind are read before the access policy filters them: this many
# newest title matches and this many newest matches anywhere.
CANDIDATES = 40


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
    score: int  # 0: found in the title; 1: elsewhere (a description, a job title)


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
                "INSERT INTO search_fts (rowid, kind, title, body) VALUES (%s, %s, %s, %s)",
                [(_rowid(d.kind, d.ref_id), f"k{CODE[d.kind]}", d.title, d.body) for d in docs],
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


_SQLITE_PART = (
    "SELECT * FROM (SELECT rowid, %s FROM search_fts WHERE search_fts MATCH %s"
    " ORDER BY rowid DESC LIMIT %s)"
)
# One GIN scan for every kind, marking each row found in the title or elsewhere as it is read;
# then the newest of each kind and mark.
_POSTGRES_MATCH = (
    "SELECT kind, ref_id, quality FROM ("
    " SELECT kind, ref_id, quality,"
    "  row_number() OVER (PARTITION BY kind, quality ORDER BY ref_id DESC) AS n"
    " FROM (SELECT kind, ref_id,"
    "  CASE WHEN document @@ to_tsquery('simple', %s) THEN 0 ELSE 1 END AS quality"
    "  FROM search_document"
    "  WHERE document @@ to_tsquery('simple', %s) AND kind = ANY(%s)) AS found) AS ranked"
    " WHERE n <= %s"
)


def match(
    query: Query,
    kinds: Sequence[str] = KINDS,
    per_kind: int = CANDIDATES,
    conn: BaseDatabaseWrapper | None = None,
) -> list[Hit]:
    """Candidates of each kind, in one statement: the newest ``per_kind`` whose title has
    every word, and the newest ``per_kind`` that have them anywhere. Ranking them is the
    caller's (``selectors``), once the access policy has filtered them, so what is loaded
    and ranked stays small however many things match a letter or two. (On SQLite each part
    walks the FTS5 index newest first and stops at ``per_kind``; on PostgreSQL one GIN scan
    finds every match and marks it title or elsewhere as it reads it, and the window keeps
    the newest of each, so the second set there holds matches found outside the title.)"""
    conn = conn or default_connection
    if query.is_empty or not kinds:
        return []
    params: list[int | str | list[int]] = []
    if conn.vendor == "postgresql":
        sql = _POSTGRES_MATCH
        params = [
            query.postgres_tsquery(titles_only=True),
            query.postgres_tsquery(),
            [CODE[k] for k in kinds],
            per_kind,
        ]
    else:
        expression = query.sqlite_match()
        for kind in kinds:
            for quality, columns in ((0, "title"), (1, "{title body}")):
                params += [
                    quality,
                    f"kind : k{CODE[kind]} AND {columns} : ({expression})",
                    per_kind,
                ]
        sql = " UNION ALL ".join([_SQLITE_PART] * (2 * len(kinds)))
    best: dict[tuple[str, int], int] = {}
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for row in rows:
        if conn.vendor == "postgresql":
            key = (KIND_OF[row[0]], row[1])
            quality = row[2]
        else:
            key = (KIND_OF[row[0] % STRIDE], row[0] // STRIDE)
            quality = row[1]
        best[key] = min(quality, best.get(key, quality))
    return [Hit(kind, ref_id, quality) for (kind, ref_id), quality in best.items()]
