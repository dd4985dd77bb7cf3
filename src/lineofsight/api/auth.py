"""Who is calling: a personal API token, or the browser's session.

* ``Authorization: Bearer <token>``: a personal token (see ``core.tokens``). A bearer token
  that is unknown, revoked or belongs to someone inactive answers 401; it never falls back to
  the session. (Other schemes, such as the Basic credentials of a proxy in front of the
  server, are left alone.)
* The session cookie of a signed-in browser. Unsafe methods (POST, PATCH, DELETE) must carry
  the CSRF token (``X-CSRFToken`` header), exactly as for the web pages.

With neither, the answer is 401.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from lineofsight.core import tokens
from lineofsight.people.models import Person

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class TokenAuth(HttpBearer):
    """A personal API token in the ``Authorization`` header."""

    def __call__(self, request: HttpRequest) -> Any:
        scheme, _, raw = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Person:
        person = tokens.authenticate(token)
        if person is None:
            raise AuthenticationError(401, "The token is unknown or was revoked.")
        return person


class SessionAuth(APIKeyCookie):
    """The browser's session; unsafe methods must pass Django's CSRF check."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # CSRF is checked in ``authenticate``, once the session is known to belong to
        # someone: an anonymous request is told to sign in (401), not that its CSRF token is
        # missing. (``csrf`` stays on so the docs page sends the token.)
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Person | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise HttpError(
                403,
                "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken "
                "header, or use a personal API token.",
            )
        return user  # type: ignore[no-any-return]


def caller(request: HttpRequest) -> Person:
    """The person making this request (set by one of the authenticators above)."""
    return request.auth  # type: ignore[attr-defined,no-any-return]
