"""Reading SCIM attributes as Entra ID and Okta send them: paths, values, errors.

Every problem raises a SCIM error (``django_scim.exceptions``) whose detail starts with the
attribute it is about, so the provider's log says what to fix.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django_scim import exceptions
from django_scim.constants import SchemaURI
from django_scim.schemas import default_schemas_getter
from scim2_filter_parser.attr_paths import AttrPath
from scim2_filter_parser.lexer import SCIMLexer
from scim2_filter_parser.parser import SCIMParserError

ENTERPRISE = SchemaURI.ENTERPRISE_USER
ENTERPRISE_LOWER = ENTERPRISE.lower()
MEMBER_FILTER = re.compile(r'^\s*members\s*\[\s*value\s+eq\s+"([^"]*)"\s*\]\s*$', re.IGNORECASE)


def _known(schema_id: str) -> dict[str, set[str]]:
    """The attributes of a schema (lowercase), each with its sub-attributes."""
    for schema in default_schemas_getter():
        if schema["id"] == schema_id:
            return {
                attr["name"].lower(): {sub["name"].lower() for sub in attr.get("subAttributes", [])}
                for attr in schema["attributes"]
            }
    return {}


USER_ATTRIBUTES = _known(SchemaURI.USER)
ENTERPRISE_ATTRIBUTES = _known(ENTERPRISE)
GROUP_ATTRIBUTES = _known(SchemaURI.GROUP)
# Present on every resource, never a reason to refuse a payload.
COMMON = {"schemas", "id", "externalid", "meta"}


def bad(attribute: str, message: str, scim_type: str = "invalidValue") -> exceptions.SCIMException:
    return exceptions.BadRequestError(f"{attribute}: {message}", scim_type=scim_type)


def conflict(attribute: str, message: str) -> exceptions.SCIMException:
    return exceptions.IntegrityError(f"{attribute}: {message}", scim_type="uniqueness")


def load_object(body: bytes) -> dict[str, Any]:
    """The request's JSON object (400 ``invalidSyntax`` when it is not one)."""
    try:
        data = json.loads(body.decode("utf-8") or "null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad("body", f"not valid JSON ({exc}).", "invalidSyntax") from None
    if not isinstance(data, dict):
        raise bad("body", "send a JSON object.", "invalidSyntax")
    return data


def require_schema(body: dict[str, Any], schema: str) -> None:
    schemas = body.get("schemas")
    if not isinstance(schemas, list) or not all(isinstance(s, str) for s in schemas):
        raise bad("schemas", f'give a list of schema URIs including "{schema}".')
    if schema.lower() not in {s.lower() for s in schemas}:
        raise bad("schemas", f'the list must include "{schema}".')


def split_path(raw: Any) -> tuple[str, str | None, str | None]:
    """A PATCH path as (attribute, sub-attribute, schema URI), lowercase; parsed by
    scim2-filter-parser, so ``emails[type eq "work"].value`` and the enterprise
    extension's ``urn:...:User:manager`` read as they should."""
    if not isinstance(raw, str) or not raw.strip():
        raise bad("path", "give the attribute to change as a string.", "invalidPath")
    try:
        parsed = AttrPath(f'{raw} eq ""', {})
        first = parsed.first_path
    except (SCIMParserError, IndexError, AttributeError, TypeError) as exc:
        raise bad("path", f"{raw!r} is not an attribute path ({exc}).", "invalidPath") from None
    attr, sub, uri = first
    if parsed.is_complex:
        # A filtered multi-valued attribute: emails[type eq "work"].value names "value".
        paths = list(parsed)
        sub = paths[-1][1] if len(paths) > 1 else None
    return attr.lower(), sub.lower() if sub else None, uri.lower() if uri else None


def check_filter_syntax(text: str) -> None:
    """Fail early on a filter the lexer cannot even read."""
    try:
        list(SCIMLexer().tokenize(text))
    except Exception as exc:
        raise bad("filter", f"{text!r} is not a SCIM filter ({exc}).", "invalidFilter") from None


def as_text(attribute: str, value: Any, *, required: bool = False, limit: int = 200) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise bad(attribute, f"give a string, not {type(value).__name__}.")
    value = value.strip()
    if required and not value:
        raise bad(attribute, "must not be empty.")
    if len(value) > limit:
        raise bad(attribute, f"keep it under {limit} characters.")
    return value


def as_bool(attribute: str, value: Any) -> bool:
    """A boolean, or "True"/"False" as Entra ID sends ``active`` in a PATCH."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise bad(attribute, f"give true or false, not {value!r}.")


def as_reference(attribute: str, value: Any) -> int | None:
    """A resource's id, given as "12", 12 or {"value": "12"}; None for "" or null."""
    if isinstance(value, dict):
        value = value.get("value")
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise bad(attribute, f"give a resource id, not {value!r}.")
    text = str(value).strip()
    if not text.isdigit() or len(text) > 18:
        raise bad(attribute, f"no resource has the id {text!r}.")
    return int(text)


def member_ids(attribute: str, value: Any) -> list[int]:
    """The ids in a members value: a list of {"value": id} (a single one is accepted)."""
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise bad(attribute, 'give a list of {"value": "<user id>"}.')
    ids = []
    for item in value:
        if not isinstance(item, dict) or "value" not in item:
            raise bad(attribute, 'each member is {"value": "<user id>"}.')
        pk = as_reference(attribute, item["value"])
        if pk is None:
            raise bad(attribute, "a member's value must not be empty.")
        ids.append(pk)
    return ids


def primary_email(value: Any) -> str:
    """The primary (else the first work, else the first) address of an ``emails`` list."""
    if value is None:
        return ""
    if isinstance(value, dict):  # one address instead of a list
        value = [value]
    if not isinstance(value, list):
        raise bad("emails", 'give a list of {"value": "...", "primary": true}.')
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("value", ""), str):
            raise bad("emails", 'each address is {"value": "...", "type": "work"}.')
    ranked = sorted(
        value,
        key=lambda e: (
            not as_bool("emails.primary", e.get("primary", False)),
            e.get("type") != "work",
        ),
    )
    return as_text("emails", ranked[0].get("value", "")) if ranked else ""


def flatten(body: dict[str, Any], known: dict[str, set[str]], *, extension: bool) -> dict[str, Any]:
    """The attributes of a POST or PUT body as ``{"username": ..., "name.givenname": ...,
    "manager": ...}`` (lowercase). An attribute of the resource's schemas that is not kept
    (phone numbers, addresses, ...) is left out; one no schema defines is refused."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        low = key.lower()
        if low in COMMON:
            out[low] = value
        elif extension and low == ENTERPRISE_LOWER:
            if not isinstance(value, dict):
                raise bad(ENTERPRISE, "give an object of enterprise attributes.")
            for sub, sub_value in value.items():
                if sub.lower() not in ENTERPRISE_ATTRIBUTES:
                    raise bad(f"{ENTERPRISE}:{sub}", "no such attribute.", "invalidPath")
                out[sub.lower()] = sub_value
        elif low == "name" and "name" in known:
            if not isinstance(value, dict):
                raise bad("name", 'give an object such as {"givenName": ..., "familyName": ...}.')
            for sub, sub_value in value.items():
                if sub.lower() not in known["name"]:
                    raise bad(f"name.{sub}", "no such attribute.", "invalidPath")
                out[f"name.{sub.lower()}"] = sub_value
        elif low in known:
            out[low] = value
        elif low.startswith("urn:"):
            raise bad(key, "this schema is not supported.", "invalidPath")
        else:
            raise bad(key, "no such attribute.", "invalidPath")
    return out


def patch_changes(
    operations: Any, known: dict[str, set[str]], *, extension: bool
) -> list[tuple[str, str, Any]]:
    """A PATCH's operations as (op, attribute, value), attribute as ``flatten`` names it;
    ``remove`` of a filtered member (``members[value eq "12"]``) becomes a remove of
    ``members`` with that member."""
    if not isinstance(operations, list) or not operations:
        raise bad("Operations", "give a non-empty list of operations.")
    out: list[tuple[str, str, Any]] = []
    for n, operation in enumerate(operations, start=1):
        where = f"Operations[{n}]"
        if not isinstance(operation, dict):
            raise bad(where, 'each operation is {"op": ..., "path": ..., "value": ...}.')
        op = operation.get("op")
        if not isinstance(op, str) or op.lower() not in ("add", "remove", "replace"):
            raise bad(f"{where}.op", f"use add, remove or replace, not {op!r}.")
        op = op.lower()
        path = operation.get("path")
        value = operation.get("value")
        if path is None or path == "":
            if op == "remove":
                raise bad(f"{where}.path", "a remove names the attribute it removes.", "noTarget")
            if not isinstance(value, dict):
                raise bad(f"{where}.value", "without a path, give an object of attributes.")
            for key, sub_value in flatten_patch_value(value, known, extension=extension).items():
                out.append((op, key, sub_value))
            continue
        member = MEMBER_FILTER.match(path) if isinstance(path, str) else None
        if member is not None and "members" in known:
            out.append((op, "members", [{"value": member.group(1)}]))
            continue
        attr, sub, uri = split_path(path)
        if uri:
            if not extension or uri != ENTERPRISE_LOWER:
                raise bad(path, "this schema is not supported.", "invalidPath")
            if attr not in ENTERPRISE_ATTRIBUTES:
                raise bad(path, "no such attribute.", "invalidPath")
            out.append((op, attr, value))
        elif attr == "name" and "name" in known:
            if sub is None:
                if not isinstance(value, dict) and op != "remove":
                    raise bad(path, 'give an object such as {"givenName": ...}.')
                for key, sub_value in (value or {}).items():
                    out.append((op, f"name.{key.lower()}", sub_value))
            else:
                out.append((op, f"name.{sub}", value))
        elif attr in known or attr in COMMON:
            if attr == "emails" and sub == "value":
                value = [{"value": value, "primary": True}] if op != "remove" else None
            out.append((op, attr, value))
        else:
            raise bad(path, "no such attribute.", "invalidPath")
    return out


def flatten_patch_value(
    value: dict[str, Any], known: dict[str, set[str]], *, extension: bool
) -> dict[str, Any]:
    """A path-less PATCH value: top-level attributes, dotted ones ("name.givenName") and
    the enterprise extension's, as an object or by full path."""
    plain: dict[str, Any] = {}
    out: dict[str, Any] = {}
    for key, sub_value in value.items():
        low = key.lower()
        if extension and low.startswith(ENTERPRISE_LOWER + ":"):
            attr = low[len(ENTERPRISE_LOWER) + 1 :]
            if attr not in ENTERPRISE_ATTRIBUTES:
                raise bad(key, "no such attribute.", "invalidPath")
            out[attr] = sub_value
        elif "." in low and not low.startswith("urn:"):
            head, _, tail = low.partition(".")
            if head == "emails" and tail == "value":
                out["emails"] = [{"value": sub_value, "primary": True}]
            elif head in known and tail in known[head]:
                out[low] = sub_value
            else:
                raise bad(key, "no such attribute.", "invalidPath")
        else:
            plain[key] = sub_value
    out.update(flatten(plain, known, extension=extension))
    return out
