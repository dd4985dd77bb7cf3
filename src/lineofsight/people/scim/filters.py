"""SCIM filters (``userName eq "ava@example.com"``) as querysets, by scim2-filter-parser's
Django transpiler; an attribute that cannot be filtered on is refused by name."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from scim2_filter_parser.lexer import SCIMLexer
from scim2_filter_parser.parser import SCIMParser, SCIMParserError
from scim2_filter_parser.transpilers.django_q_object import Transpiler

from lineofsight.people.scim.attributes import ENTERPRISE, bad

USER_FILTERS: dict[tuple[str, str | None, str | None], str] = {
    ("id", None, None): "pk",
    ("userName", None, None): "username",
    ("externalId", None, None): "external_id",
    ("displayName", None, None): "display_name",
    ("name", "givenName", None): "first_name",
    ("name", "familyName", None): "last_name",
    ("emails", None, None): "email",
    ("emails", "value", None): "email",
    ("title", None, None): "job_title",
    ("active", None, None): "is_active",
    ("manager", "value", ENTERPRISE): "manager_id",
    ("manager", None, ENTERPRISE): "manager_id",
}
GROUP_FILTERS: dict[tuple[str, str | None, str | None], str] = {
    ("id", None, None): "pk",
    ("displayName", None, None): "name",
    ("externalId", None, None): "external_id",
    ("members", "value", None): "memberships__person_id",
    ("members", None, None): "memberships__person_id",
}


class _NamingTranspiler(Transpiler):
    """The library's transpiler, refusing (instead of dropping) an unknown attribute."""

    def visit_AttrPath(self, node: Any) -> Any:  # noqa: N802 - the library's visitor name
        found = super().visit_AttrPath(node)
        if found is None:
            name = node.attr_name + (f".{node.sub_attr.value}" if node.sub_attr else "")
            if node.uri:
                name = f"{node.uri}:{name}"
            raise bad(name, "cannot be filtered on.", "invalidFilter")
        return found


def to_q(text: str, attr_map: dict[tuple[str, str | None, str | None], str]) -> Q:
    if len(text) > 1000:
        raise bad("filter", "keep a filter under 1000 characters.", "invalidFilter")
    try:
        tree = SCIMParser().parse(SCIMLexer().tokenize(text))
    except (SCIMParserError, ValueError, TypeError, IndexError) as exc:
        raise bad("filter", f"{text!r} is not a SCIM filter ({exc}).", "invalidFilter") from None
    try:
        query = _NamingTranspiler(attr_map).transpile(tree)
    except (ValueError, NotImplementedError) as exc:
        raise bad("filter", f"{text!r} is not supported ({exc}).", "invalidFilter") from None
    if query is None:
        raise bad("filter", f"{text!r} filters on nothing.", "invalidFilter")
    return query
