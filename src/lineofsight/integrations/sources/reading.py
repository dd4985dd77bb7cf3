"""Reading one number from a data source. Nothing here writes: ``read`` returns a
``Reading`` or raises ``ReadError`` with a message fit for the source's owner.

Every request to another system waits at most the time-out, reads at most the size cap,
follows no redirects and is made only to an address the outbound webhooks' rules allow
(checked again before each read: a name may resolve elsewhere later). A SQL query runs in a
read-only transaction (SQLite opened read-only) under a statement time-out, and must answer
exactly one row of one column.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import sqlite3
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import dj_database_url
import requests
from django.conf import settings
from jsonpath_ng.ext import parse as parse_json_path

from lineofsight.integrations.sources import kinds


class ReadError(Exception):
    """The source could not give a number; the message says why."""


@dataclass(frozen=True)
class Reading:
    value: float
    raw: str  # what the source answered, as text


def to_number(raw: Any, what: str = "The value") -> Reading:
    """A finite number from a JSON number or a text holding one."""
    shown = raw if isinstance(raw, str) else json.dumps(raw, default=str)
    shown = shown[:200]
    if isinstance(raw, bool) or raw is None:
        raise ReadError(f"{what} is {shown}, not a number.")
    if isinstance(raw, int | float):
        number = float(raw)
    elif isinstance(raw, str):
        try:
            number = float(raw.strip().replace("\u00a0", ""))
        except ValueError:
            raise ReadError(f"{what} is {shown!r}, not a number.") from None
    else:
        raise ReadError(f"{what} is {shown}, not a number.")
    if not math.isfinite(number):
        raise ReadError(f"{what} is {shown}, not a finite number.")
    return Reading(number, shown)


# -- HTTP --------------------------------------------------------------------------------------


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> bytes:
    """The answer's body (a 2xx answer only), within the time-out and the size cap."""
    problem = kinds.address_problem(url)
    if problem:
        raise ReadError(f"Not read: {problem}")
    timeout = float(settings.DATA_SOURCE_TIMEOUT_SECONDS)
    cap = int(settings.DATA_SOURCE_MAX_BYTES)
    sent = {"User-Agent": "LineOfSight-DataSources", "Accept": "*/*", **(headers or {})}
    started = time.monotonic()
    try:
        with requests.request(
            method,
            url,
            headers=sent,
            data=body,
            timeout=timeout,
            allow_redirects=False,
            stream=True,
        ) as response:
            if not 200 <= response.status_code < 300:
                raise ReadError(f"The source answered {response.status_code}.")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > cap:
                    raise ReadError(f"The answer is larger than {cap} bytes.")
                if time.monotonic() - started > timeout:
                    raise ReadError(f"No complete answer within {timeout:g} seconds.")
                chunks.append(chunk)
    except requests.Timeout:
        raise ReadError(f"No answer within {timeout:g} seconds.") from None
    except requests.ConnectionError:
        raise ReadError(f"Could not connect to {urlsplit(url).netloc}.") from None
    except requests.RequestException as exc:
        raise ReadError(f"The request failed ({type(exc).__name__}).") from None
    return b"".join(chunks)


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise ReadError("The answer is not JSON.") from None


def _auth_header(config: dict[str, str], secret: str) -> dict[str, str]:
    name = config.get("header_name", "")
    return {name: secret} if name and secret else {}


def read_http_json(config: dict[str, str], secret: str) -> Reading:
    document = _json(
        fetch(config["url"], headers={"Accept": "application/json", **_auth_header(config, secret)})
    )
    path = config["json_path"]
    try:
        matches = parse_json_path(path).find(document)
    except Exception:
        raise ReadError(f"{path} cannot be read in the answer.") from None
    if not matches:
        raise ReadError(f"Nothing at {path} in the answer.")
    return to_number(matches[0].value, f"The value at {path}")


def read_csv(config: dict[str, str], secret: str) -> Reading:
    raw = fetch(config["url"], headers={"Accept": "text/csv", **_auth_header(config, secret)})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReadError("The CSV is not UTF-8 text.") from None
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise ReadError(f"The CSV cannot be read: {exc}.") from None
    column = config["column"]
    names = list(rows[0].keys()) if rows else []
    if column not in names:
        listed = ", ".join(n for n in names if n) or "none"
        raise ReadError(f"The CSV has no column {column!r} (its columns: {listed}).")
    if config.get("row") == "match":
        match_column, wanted = config["match_column"], config["match_value"]
        if match_column not in names:
            raise ReadError(f"The CSV has no column {match_column!r} to match.")
        found = [r for r in rows if (r.get(match_column) or "").strip() == wanted]
        if not found:
            raise ReadError(f"No row where {match_column} = {wanted}.")
        row = found[-1]
        where = f"in the row where {match_column} = {wanted}"
    else:
        filled = [r for r in rows if any((v or "").strip() for v in r.values() if v)]
        if not filled:
            raise ReadError("The CSV has no rows.")
        row = filled[-1]
        where = "in the last row"
    return to_number(row.get(column) or "", f"{column} {where}")


def read_jira(config: dict[str, str], secret: str) -> Reading:
    """Jira Cloud's issue search, counting only (``maxResults=0``): its ``total``."""
    site = config["site"].rstrip("/")
    query = f"jql={quote(config['jql'], safe='')}&maxResults=0"
    login = base64.b64encode(f"{config['email']}:{secret}".encode()).decode()
    answer = _json(
        fetch(
            f"{site}/rest/api/3/search?{query}",
            headers={"Accept": "application/json", "Authorization": f"Basic {login}"},
        )
    )
    if not isinstance(answer, dict) or "total" not in answer:
        raise ReadError("Jira's answer has no total.")
    return to_number(answer["total"], "Jira's total")


def read_salesforce(config: dict[str, str], secret: str) -> Reading:
    """A Salesforce report run through the Analytics API: the grand total's first
    aggregate (``factMap["T!T"].aggregates[0].value``)."""
    instance = config["instance"].rstrip("/")
    version = config.get("api_version") or kinds.SALESFORCE_VERSION
    url = f"{instance}/services/data/v{version}/analytics/reports/{quote(config['report_id'])}"
    answer = _json(
        fetch(url, headers={"Accept": "application/json", "Authorization": f"Bearer {secret}"})
    )
    try:
        value = answer["factMap"]["T!T"]["aggregates"][0]["value"]
    except (KeyError, IndexError, TypeError):
        raise ReadError("The report's answer has no grand total (factMap T!T).") from None
    return to_number(value, "The report's grand total")


def read_hubspot(config: dict[str, str], secret: str) -> Reading:
    """HubSpot's CRM search on one object type: the ``total`` of what matches."""
    base = (config.get("base_url") or kinds.HUBSPOT_API).rstrip("/")
    groups = json.loads(config["filters"]) if config.get("filters") else []
    body = json.dumps({"filterGroups": groups, "limit": 1}).encode()
    answer = _json(
        fetch(
            f"{base}/crm/v3/objects/{config['object_type']}/search",
            method="POST",
            headers={
                "Accept": "application/json",
                "Content-Type": "application/json",
                "Authorization": f"Bearer {secret}",
            },
            body=body,
        )
    )
    if not isinstance(answer, dict) or "total" not in answer:
        raise ReadError("HubSpot's answer has no total.")
    return to_number(answer["total"], "HubSpot's total")


# -- SQL ---------------------------------------------------------------------------------------


def read_sql(config: dict[str, str], secret: str) -> Reading:
    query = config["query"]
    problem = kinds.sql_problem(query) or kinds.database_problem(secret)
    if problem:
        raise ReadError(f"Not run: {problem}")
    parsed = dj_database_url.parse(secret)
    timeout = float(settings.DATA_SOURCE_TIMEOUT_SECONDS)
    if parsed["ENGINE"].endswith("sqlite3"):
        rows = _sqlite_rows(str(parsed["NAME"]), query, timeout)
    else:
        rows = _postgres_rows(parsed, query, timeout)
    if len(rows) != 1 or len(rows[0]) != 1:
        shape = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
        if rows:
            shape += f" of {len(rows[0])} column{'s' if len(rows[0]) != 1 else ''}"
        raise ReadError(f"The query must answer one row of one column; it answered {shape}.")
    return to_number(rows[0][0], "The query's answer")


def _sqlite_rows(path: str, query: str, timeout: float) -> list[tuple[Any, ...]]:
    deadline = time.monotonic() + timeout
    try:
        db = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, timeout=timeout)
    except sqlite3.Error as exc:
        raise ReadError(f"The database cannot be opened: {exc}.") from None
    try:
        db.execute("PRAGMA query_only = ON")
        # Stops a query that runs past the time-out (the handler is called every N steps).
        db.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        return list(db.execute(query).fetchmany(2))
    except sqlite3.OperationalError as exc:
        if time.monotonic() > deadline:
            raise ReadError(f"The query ran longer than {timeout:g} seconds.") from None
        raise ReadError(f"The query failed: {exc}.") from None
    except sqlite3.Error as exc:
        raise ReadError(f"The query failed: {exc}.") from None
    finally:
        db.close()


def _postgres_rows(parsed: Any, query: str, timeout: float) -> list[tuple[Any, ...]]:
    import psycopg

    millis = int(timeout * 1000)
    try:
        with psycopg.connect(
            dbname=parsed.get("NAME"),
            user=parsed.get("USER") or None,
            password=parsed.get("PASSWORD") or None,
            host=parsed.get("HOST") or None,
            port=parsed.get("PORT") or None,
            connect_timeout=max(1, int(timeout)),
            options=f"-c statement_timeout={millis} -c default_transaction_read_only=on",
        ) as db:
            with db.cursor() as cursor:
                cursor.execute("SET TRANSACTION READ ONLY")
                cursor.execute(query)  # one SELECT, checked above; read-only regardless
                rows = list(cursor.fetchmany(2))
            db.rollback()
            return rows
    except psycopg.errors.QueryCanceled:
        raise ReadError(f"The query ran longer than {timeout:g} seconds.") from None
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ReadError(f"The query failed: {first}") from None


READERS = {
    kinds.HTTP_JSON: read_http_json,
    kinds.CSV: read_csv,
    kinds.SQL: read_sql,
    kinds.JIRA: read_jira,
    kinds.SALESFORCE: read_salesforce,
    kinds.HUBSPOT: read_hubspot,
}


def read(kind: str, config: dict[str, str], secret: str) -> Reading:
    reader = READERS.get(kind)
    if reader is None:
        raise ReadError(f"Unknown kind of source: {kind}.")
    return reader(config, secret)
