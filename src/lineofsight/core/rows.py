"""Statements for the hottest paths, built once per process from the models' own metadata.

The ORM compiles a statement again on every call: for a key result read with its objective
and cycle (three wide tables) that is about a millisecond of Python, more than the database
takes to answer. A check-in, the write everyone makes every week, reads one such row and
writes three. Here the text of each statement is made once, from the same field list the ORM
uses, and every value still passes through its field's own conversions both ways
(``get_db_prep_save`` going in, the backend's and the field's converters coming out), so a
row read or written here is the same as one the ORM reads or writes.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)

_Converter = tuple[int, list[Any], Any]


def quoted(name: str | None) -> str:
    assert name, "a column without a name"
    return connection.ops.quote_name(name)


def table(model: type[models.Model]) -> str:
    return quoted(model._meta.db_table)


@functools.cache
def _reader(
    model: type[models.Model], related: tuple[str, ...], lock: bool, vendor: str
) -> tuple[str, list[tuple[type[models.Model], str | None, list[str], list[_Converter]]]]:
    """``SELECT`` every concrete column of ``model`` and of the rows its foreign keys
    ``related`` point to, by primary key, locking the first row when asked; with, for each
    model, its attribute names and the converters of its columns."""
    parts: list[tuple[type[models.Model], str | None, str]] = [(model, None, "t0")]
    joins = []
    for n, name in enumerate(related, start=1):
        field = model._meta.get_field(name)
        target = field.related_model
        assert isinstance(field, models.ForeignKey) and isinstance(target, type)
        alias = f"t{n}"
        parts.append((target, name, alias))
        joins.append(
            f"JOIN {table(target)} {alias} ON {alias}.{quoted(target._meta.pk.column)} = "
            f"t0.{quoted(field.column)}"
        )
    columns: list[str] = []
    layout: list[tuple[type[models.Model], str | None, list[str], list[_Converter]]] = []
    for part, related_name, alias in parts:
        fields = part._meta.concrete_fields
        converters: list[_Converter] = []
        for i, column in enumerate(fields):
            expression = column.get_col(alias)
            found = connection.ops.get_db_converters(expression) + column.get_db_converters(
                connection
            )
            if found:
                converters.append((i, found, expression))
        columns.extend(f"{alias}.{quoted(f.column)}" for f in fields)
        layout.append((part, related_name, [f.attname for f in fields], converters))
    sql = (
        f"SELECT {', '.join(columns)} FROM {table(model)} t0 {' '.join(joins)} "  # noqa: S608
        f"WHERE t0.{quoted(model._meta.pk.column)} = %s"
    )
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE OF t0"
    return sql, layout


@contextlib.contextmanager
def pipeline() -> Iterator[None]:
    """Statements executed inside are sent without waiting for each answer, and the server
    runs them one after the other as usual (PostgreSQL's pipeline mode): reading the first
    answer waits for all that were sent before it, in one round trip. Elsewhere, as usual."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.connection.pipeline():
        yield


def get(model: type[M], pk: int, *, related: Sequence[str] = (), lock: bool = False) -> M | None:
    """The row ``pk`` of ``model`` with the rows of its foreign keys ``related`` attached (as
    ``select_related`` would), locked until the transaction ends when ``lock``; ``None`` when
    there is no such row."""
    return read(model, pk, related=related, lock=lock)()


def read(
    model: type[M], pk: int, *, related: Sequence[str] = (), lock: bool = False
) -> Callable[[], M | None]:
    """``get``, sent now and read when the function returned is called (in a ``pipeline``,
    statements sent after this one go in the same round trip)."""
    sql, layout = _reader(model, tuple(related), lock, connection.vendor)
    cursor = connection.cursor()
    cursor.execute(sql, [pk])
    return lambda: _instance(model, layout, cursor)


def _instance(model: type[M], layout: list[Any], cursor: Any) -> M | None:
    with cursor:
        row = cursor.fetchone()
    if row is None:
        return None
    start = 0
    instances: list[models.Model] = []
    for part, _name, names, converters in layout:
        values = list(row[start : start + len(names)])
        start += len(names)
        for i, functions, expression in converters:
            for convert in functions:
                values[i] = convert(values[i], expression, connection)
        instances.append(part.from_db(connection.alias, names, values))
    first = instances[0]
    for (_part, name, _names, _converters), instance in zip(layout[1:], instances[1:], strict=True):
        assert name is not None
        model._meta.get_field(name).set_cached_value(first, instance)  # type: ignore[union-attr]
    return first  # type: ignore[return-value]


@functools.cache
def _columns(model: type[models.Model], names: tuple[str, ...]) -> tuple[list[str], list[Any]]:
    fields = [model._meta.get_field(name) for name in names]
    return [quoted(getattr(f, "column", None)) for f in fields], fields


def insert(
    model: type[models.Model],
    values: Mapping[str, Any],
    *,
    computed: Mapping[str, str] | None = None,
    source: str = "",
) -> tuple[str, list[Any]]:
    """``INSERT`` one row of ``model`` returning its primary key: ``values`` by field name,
    each prepared by its field; ``computed`` columns take an SQL expression instead, read
    from ``source`` (a ``FROM`` clause, e.g. a common table expression's name)."""
    computed = computed or {}
    names = tuple(values) + tuple(computed)
    columns, fields = _columns(model, names)
    params = [
        field.get_db_prep_save(values[name], connection)
        for name, field in zip(values, fields, strict=False)
    ]
    placeholders = ["%s"] * len(values) + list(computed.values())
    pk = quoted(model._meta.pk.column)
    if computed or source:
        body = f"SELECT {', '.join(placeholders)}" + (f" FROM {source}" if source else "")  # noqa: S608
    else:
        body = f"VALUES ({', '.join(placeholders)})"
    return (
        f"INSERT INTO {table(model)} ({', '.join(columns)}) {body} RETURNING {pk}",  # noqa: S608
        params,
    )


def update(model: type[models.Model], pk: int, values: Mapping[str, Any]) -> tuple[str, list[Any]]:
    """``UPDATE`` one row of ``model``: ``values`` by field name, each prepared by its field."""
    columns, fields = _columns(model, tuple(values))
    params = [
        field.get_db_prep_save(value, connection)
        for value, field in zip(values.values(), fields, strict=True)
    ]
    params.append(pk)
    assignments = ", ".join(f"{c} = %s" for c in columns)
    return (
        f"UPDATE {table(model)} SET {assignments} "  # noqa: S608
        f"WHERE {quoted(model._meta.pk.column)} = %s",
        params,
    )


def loaded(model: type[M], pk: int, **values: Any) -> M:
    """An instance of a row just written here, as the ORM would return it from ``create``."""
    instance = model(pk=pk, **values)
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance
