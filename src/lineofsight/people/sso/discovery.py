"""Reading an issuer's OpenID Connect discovery document (``.well-known/openid-configuration``).

HR's provider is checked against it when saved: the issuer must answer, name itself exactly,
and offer what sign-in needs (the code flow, RS256-signed ID tokens, PKCE with S256).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings

WELL_KNOWN = "/.well-known/openid-configuration"


class DiscoveryError(Exception):
    """What is wrong with the issuer, in words for the person who typed it."""


@dataclass(frozen=True)
class Discovered:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str


def check_url(url: str, what: str) -> None:
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.SSO_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.netloc:
        raise DiscoveryError(
            f"The {what} must be an https:// address; {url!r} is not."
            if not settings.SSO_ALLOW_HTTP
            else f"The {what} must be an http:// or https:// address; {url!r} is not."
        )


def discover(issuer: str) -> Discovered:
    issuer = issuer.strip()
    check_url(issuer, "issuer")
    url = issuer.rstrip("/") + WELL_KNOWN
    try:
        response = requests.get(
            url, timeout=settings.SSO_TIMEOUT_SECONDS, headers={"Accept": "application/json"}
        )
    except requests.RequestException as exc:
        raise DiscoveryError(f"{url} could not be reached: {type(exc).__name__}.") from None
    if response.status_code != 200:
        raise DiscoveryError(f"{url} answered {response.status_code}, not a discovery document.")
    try:
        doc: Any = response.json()
    except ValueError:
        raise DiscoveryError(f"{url} did not answer JSON.") from None
    if not isinstance(doc, dict):
        raise DiscoveryError(f"{url} did not answer a discovery document.")
    return _checked(doc, issuer, url)


def _checked(doc: dict[str, Any], issuer: str, url: str) -> Discovered:
    named = doc.get("issuer")
    if not isinstance(named, str) or not named:
        raise DiscoveryError(f"{url} names no issuer.")
    if "{" in named:
        raise DiscoveryError(
            f"{url} is a multi-tenant document (issuer {named!r}); use your own tenant's "
            "issuer instead."
        )
    if named.rstrip("/") != issuer.rstrip("/"):
        raise DiscoveryError(f"The document names the issuer {named!r}, not {issuer!r}.")
    found: dict[str, str] = {}
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        value = doc.get(key)
        if not isinstance(value, str) or not value:
            raise DiscoveryError(f"The discovery document has no {key}.")
        check_url(value, key.replace("_", " "))
        found[key] = value
    userinfo = doc.get("userinfo_endpoint") or ""
    if userinfo:
        check_url(str(userinfo), "userinfo endpoint")
    responses = doc.get("response_types_supported") or []
    if "code" not in responses:
        raise DiscoveryError("The provider does not offer the authorisation code flow.")
    algorithms = doc.get("id_token_signing_alg_values_supported") or []
    if "RS256" not in algorithms:
        raise DiscoveryError("The provider does not sign ID tokens with RS256.")
    methods = doc.get("code_challenge_methods_supported")
    if methods is not None and "S256" not in methods:
        raise DiscoveryError("The provider does not offer PKCE with S256.")
    return Discovered(issuer=named, userinfo_endpoint=str(userinfo), **found)
