"""Calling a chat service's API: JSON in and out, a time-out, no redirects followed, and a
``ChatError`` with a short reason for anything that did not work."""

from __future__ import annotations

from typing import Any

import requests

MAX_ERROR = 500


class ChatError(Exception):
    """A call that did not work; ``permanent`` when trying again cannot help (the person is
    not in the workspace, the app was removed, its token revoked)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message if len(message) <= MAX_ERROR else message[: MAX_ERROR - 1] + "…")
        self.permanent = permanent


def call(
    method: str,
    url: str,
    *,
    timeout: float,
    headers: dict[str, str] | None = None,
    json: Any = None,
    data: dict[str, str] | None = None,
    service: str,
) -> Any:
    """The decoded JSON answer of a 2xx response (None for an empty one); raise otherwise."""
    try:
        response = requests.request(
            method,
            url,
            headers={"User-Agent": "LineOfSight", **(headers or {})},
            json=json,
            data=data,
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.Timeout:
        raise ChatError(f"{service} did not answer within {timeout:g} seconds.") from None
    except requests.RequestException as exc:
        raise ChatError(f"Could not reach {service}: {exc.__class__.__name__}.") from None
    if not 200 <= response.status_code < 300:
        detail = response.text[:200].strip()
        raise ChatError(
            f"{service} answered {response.status_code}" + (f": {detail}" if detail else "."),
            permanent=response.status_code in (401, 403, 404),
        )
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise ChatError(f"{service} answered with something other than JSON.") from None
