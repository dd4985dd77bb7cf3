"""The kinds of data source: the settings each takes, checking them, and how a source
describes itself (the provenance note of its check-ins).

Every setting is a short text named as in the form and the API (``url``, ``json_path``,
``query``, ``jql``...); the secret (a header's value, an API token, a database address) is
given apart and never stored in ``config``. ``clean`` returns the settings the kind uses and
an error per setting that is wrong, named by that setting.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

import dj_database_url
import sqlparse
from django.conf import settings
from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
from jsonpath_ng.ext import parse as parse_json_path

from lineofsight.integrations.outbound import addresses

HTTP_JSON = "http_json"
SQL = "sql"
CSV = "csv"
JIRA = "jira"
SALESFORCE = "salesforce"
HUBSPOT = "hubspot"

FIELD_MAX = 1000
QUERY_MAX = 4000
HUBSPOT_OBJECTS = ("deals", "contacts", "companies", "tickets")
HUBSPOT_API = "https://api.hubapi.com"
SALESFORCE_VERSION = "61.0"


@dataclass(frozen=True)
class KindInfo:
    fields: tuple[str, ...]
    required: tuple[str, ...]
    secret_label: str
    secret_required: bool  # else only with a header name


KINDS: dict[str, KindInfo] = {
    HTTP_JSON: KindInfo(
        ("url", "json_path", "header_name"), ("url", "json_path"), "Header value", False
    ),
    CSV: KindInfo(
        ("url", "column", "row", "match_column", "match_value", "header_name"),
        ("url", "column"),
        "Header value",
        False,
    ),
    SQL: KindInfo(("query",), ("query",), "Database address", True),
    JIRA: KindInfo(("site", "email", "jql"), ("site", "email", "jql"), "API token", True),
    SALESFORCE: KindInfo(
        ("instance", "report_id", "api_version"), ("instance", "report_id"), "Access token", True
    ),
    HUBSPOT: KindInfo(
        ("base_url", "object_type", "filters"), ("object_type",), "Private app token", True
    ),
}
ALL_FIELDS = tuple(dict.fromkeys(f for info in KINDS.values() for f in info.fields))

MISSING = {
    "url": "Enter the address to read.",
    "json_path": "Enter the JSONPath to the number (e.g. $.data.total).",
    "column": "Name the column that holds the number.",
    "query": "Enter a SELECT statement that returns one number.",
    "site": "Enter your Jira site (https://your-team.atlassian.net).",
    "email": "Enter the email address of the Jira account the token belongs to.",
    "jql": "Enter the JQL whose issues are counted.",
    "instance": "Enter your Salesforce address (https://your-domain.my.salesforce.com).",
    "report_id": "Enter the report's id (it starts with 00O).",
    "object_type": f"Choose one of {', '.join(HUBSPOT_OBJECTS)}.",
}


def address_problem(url: str) -> str | None:
    """What is wrong with an address a source reads, by the outbound webhooks' rules."""
    problem = addresses.url_problem(
        url,
        allow_local=settings.OUTBOUND_WEBHOOKS_ALLOW_LOCAL,
        allow_private=settings.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE,
    )
    if problem:
        return problem.replace("webhooks are sent only to", "sources are read only from")
    return None


def sql_problem(query: str) -> str | None:
    """Anything but one SELECT (or WITH ... SELECT) statement is refused."""
    statements = [s for s in sqlparse.split(query) if s.strip().rstrip(";").strip()]
    if len(statements) != 1:
        return "Enter exactly one statement."
    if sqlparse.parse(statements[0])[0].get_type() != "SELECT":
        return "Only a SELECT (or WITH ... SELECT) statement is run."
    return None


def database_problem(address: str) -> str | None:
    """A database address must be SQLite (a file in an allowed folder) or PostgreSQL, and
    never the product's own database."""
    try:
        parsed = dj_database_url.parse(address)
    except Exception:
        return "That is not a database address (sqlite:////path/file.db or postgresql://...)."
    engine = parsed.get("ENGINE", "")
    own = settings.DATABASES["default"]
    if engine == "django.db.backends.sqlite3":
        name = str(parsed.get("NAME") or "")
        if not name or not os.path.isabs(name):
            return "Give the SQLite file's full path: sqlite:////path/to/file.db."
        real = os.path.realpath(name)
        folders = [os.path.realpath(d) for d in settings.DATA_SOURCE_SQLITE_DIRS]
        if not any(os.path.commonpath([real, d]) == d for d in folders):
            return (
                "SQLite files are read only from the folders the administrator allowed "
                "(LOS_DATA_SOURCE_SQLITE_DIRS)."
            )
        if own["ENGINE"].endswith("sqlite3") and real == os.path.realpath(str(own["NAME"])):
            return "That is this product's own database."
        return None
    if engine == "django.db.backends.postgresql":
        if not parsed.get("NAME"):
            return "Name the database: postgresql://user:password@host:5432/name."
        same = (
            own["ENGINE"].endswith("postgresql")
            and str(parsed.get("HOST") or "") == str(own.get("HOST") or "")
            and str(parsed.get("PORT") or "") == str(own.get("PORT") or "")
            and parsed.get("NAME") == own.get("NAME")
        )
        if same:
            return "That is this product's own database."
        return None
    return "Use a SQLite file (sqlite:////path/file.db) or PostgreSQL (postgresql://...)."


def _text(raw: object) -> str:
    return str(raw if raw is not None else "").strip()


def clean(
    kind: str, given: dict[str, object], *, secret: str | None, has_secret: bool
) -> tuple[dict[str, str], dict[str, str]]:
    """The settings ``kind`` uses, from ``given``, and an error per wrong setting.
    ``secret`` None keeps the stored one (``has_secret`` says whether there is one)."""
    errors: dict[str, str] = {}
    info = KINDS.get(kind)
    if info is None:
        return {}, {"kind": f"Choose one of {', '.join(KINDS)}."}
    config = {f: _text(given.get(f)) for f in info.fields}
    for f, value in config.items():
        limit = QUERY_MAX if f == "query" else FIELD_MAX
        if len(value) > limit:
            errors[f] = f"Keep it under {limit} characters."
    for f in info.required:
        if not config[f] and f not in errors:
            errors[f] = MISSING[f]
    secret = secret.strip() if secret is not None else None
    if secret is not None and len(secret) > 4000:
        errors["secret"] = "Keep it under 4000 characters."  # noqa: S105 - a message
    needs_secret = info.secret_required or bool(config.get("header_name"))
    if needs_secret and not secret and not (secret is None and has_secret):
        errors["secret"] = f"Enter the {info.secret_label.lower()}."
    for f in ("url", "site", "instance", "base_url"):
        if config.get(f) and f not in errors:
            problem = address_problem(config[f])
            if problem:
                errors[f] = problem
    if kind == HTTP_JSON and config["json_path"] and "json_path" not in errors:
        try:
            parse_json_path(config["json_path"])
        except (JsonPathLexerError, JsonPathParserError, Exception):
            errors["json_path"] = "That is not a JSONPath (e.g. $.data.total or $.items[0].n)."
    if config.get("header_name") and not _token(config["header_name"]):
        errors["header_name"] = "A header name is letters, digits and dashes (e.g. X-Api-Key)."
    if kind == CSV:
        config["row"] = config["row"] or "last"
        if config["row"] not in ("last", "match"):
            errors["row"] = (
                "Choose last (the last row) or match (the row where a column has a value)."
            )
        elif config["row"] == "match":
            if not config["match_column"]:
                errors["match_column"] = "Name the column to match."
            if not config["match_value"]:
                errors["match_value"] = "Enter the value the row must have."
    if kind == SQL and config["query"] and "query" not in errors:
        problem = sql_problem(config["query"])
        if problem:
            errors["query"] = problem
    if kind == SQL and secret:
        problem = database_problem(secret)
        if problem:
            errors["secret"] = problem
    if kind == JIRA and config["email"] and "@" not in config["email"]:
        errors["email"] = "Enter an email address."
    if kind == SALESFORCE:
        config["api_version"] = config["api_version"] or SALESFORCE_VERSION
        if not _version(config["api_version"]):
            errors["api_version"] = "Give the API version as digits, e.g. 61.0."
        if config["report_id"] and not config["report_id"].isalnum():
            errors["report_id"] = "A report id is letters and digits (e.g. 00O5e000008ABCd)."
    if kind == HUBSPOT:
        config["base_url"] = config["base_url"] or HUBSPOT_API
        if "base_url" not in errors:
            problem = address_problem(config["base_url"])
            if problem:
                errors["base_url"] = problem
        if config["object_type"] and config["object_type"] not in HUBSPOT_OBJECTS:
            errors["object_type"] = MISSING["object_type"]
        if config["filters"]:
            try:
                groups = json.loads(config["filters"])
            except ValueError:
                groups = None
            if not isinstance(groups, list) or not all(isinstance(g, dict) for g in groups):
                errors["filters"] = (
                    'Give the filter groups as JSON, e.g. [{"filters": [{"propertyName": '
                    '"dealstage", "operator": "EQ", "value": "closedwon"}]}].'
                )
    return config, errors


def _token(name: str) -> bool:
    return all(ch.isalnum() or ch in "-_" for ch in name) and len(name) <= 100


def _version(text: str) -> bool:
    head, _, tail = text.partition(".")
    return head.isdigit() and (tail == "" or tail.isdigit())


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or ''}{parts.path}"


def describe(kind: str, config: dict[str, str]) -> str:
    """Where the number comes from, in one line (no secret is ever part of it)."""
    c = config
    if kind == HTTP_JSON:
        text = f"From JSON at {_where(c.get('url', ''))}: {c.get('json_path', '')}"
    elif kind == CSV:
        row = (
            f"the row where {c.get('match_column')} = {c.get('match_value')}"
            if c.get("row") == "match"
            else "the last row"
        )
        text = f"From CSV at {_where(c.get('url', ''))}: column {c.get('column')}, {row}"
    elif kind == SQL:
        text = "From SQL: " + " ".join(c.get("query", "").split())
    elif kind == JIRA:
        text = f"From Jira: JQL {c.get('jql', '')}"
    elif kind == SALESFORCE:
        text = f"From Salesforce: report {c.get('report_id', '')} (grand total)"
    elif kind == HUBSPOT:
        text = f"From HubSpot: {c.get('object_type', '')} matching the search (total)"
    else:
        text = "From a data source"
    return text if len(text) <= 300 else text[:299] + "\u2026"
