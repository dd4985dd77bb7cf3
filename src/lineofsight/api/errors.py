"""One shape for every error: ``{"detail": "...", "errors": {"field": ["message", ...]}}``.

* 401: no credentials, or a token that is unknown or revoked.
* 403: the caller may see the thing but not make this change (or a session request failed
  its CSRF check).
* 404: missing and not visible look the same.
* 422: bad input, from the schema or from the action, with the fields named.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from lineofsight.api.base import ErrorOut
from lineofsight.core.errors import InvalidInput, NotAllowed, NotFound

NOT_FOUND = "Not found."
SIGN_IN = "Sign in, or send a personal API token as 'Authorization: Bearer <token>'."
PARAM_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
SCHEMA_PARAMS = {"payload", "filters"}  # names of the schema-typed parameters of the views

READ_ERRORS: dict[int, type[ErrorOut]] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, type[ErrorOut]] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}


def body(detail: str, errors: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": dict(errors or {})}


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """``("body", "payload", "align_to", 0, "weight")`` -> ``"align_to.0.weight"``."""
    parts = list(loc)
    if parts and parts[0] in PARAM_SOURCES:
        parts = parts[1:]
    if parts and parts[0] in SCHEMA_PARAMS:
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "__all__"


def schema_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in errors:
        message = str(error.get("msg", "Invalid value."))
        message = message.removeprefix("Value error, ")
        out.setdefault(field_path(error.get("loc", ())), []).append(message)
    return out


@contextmanager
def fields_named(mapping: Mapping[str, str] | None = None, *, prefix: str = "") -> Iterator[None]:
    """Report an action's ``InvalidInput`` under the API's field names (and a prefix)."""
    try:
        yield
    except InvalidInput as exc:
        renamed: dict[str, list[str]] = {}
        for key, messages in exc.errors.items():
            name = (mapping or {}).get(key, key)
            if name != "__all__":
                name = prefix + name
            renamed.setdefault(name, []).extend(messages)
        raise InvalidInput(renamed) from exc


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn exceptions into the error shape above."""

    def respond(request: HttpRequest, status: int, payload: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, payload, status=status)

    def invalid_input(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 422, body(exc.summary() or "Invalid input.", exc.errors))

    def validation(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = schema_errors(exc.errors)
        names = ", ".join(sorted(errors))
        return respond(request, 422, body(f"Check these fields: {names}.", errors))

    def not_allowed(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 403, body(str(exc) or "You may not do that."))

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 404, body(NOT_FOUND))

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if exc.status_code == 400:  # the body could not be parsed: bad input like any other
            message = "The request body is not valid JSON."
            return respond(request, 422, body(message, {"__all__": [message]}))
        message = str(exc)
        if isinstance(exc, AuthenticationError) and message == "Unauthorized":
            message = SIGN_IN
        return respond(request, exc.status_code, body(message))

    api.add_exception_handler(InvalidInput, invalid_input)
    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(NotAllowed, not_allowed)
    for missing in (NotFound, ObjectDoesNotExist, Http404):
        api.add_exception_handler(missing, not_found)
    api.add_exception_handler(HttpError, http_error)
