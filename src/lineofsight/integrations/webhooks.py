"""Incoming webhooks of Slack and Microsoft Teams: checking an address, masking it, the
message each service expects, and posting it.

No Django here: the allowed hosts and the time-out are arguments. Posting uses the standard
library (``urllib``) with a time-out, follows no redirects (a webhook that answers with one is
refused, so a message cannot be bounced to another address), and raises ``WebhookError`` with
a short reason for anything but a 2xx answer.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

# The hosts each service's incoming webhooks live on. An entry starting with a dot matches
# that domain's subdomains.
PROVIDER_HOSTS: dict[str, tuple[str, ...]] = {
    "slack": ("hooks.slack.com",),
    "teams": (
        ".webhook.office.com",
        "outlook.office.com",
        ".logic.azure.com",
        ".powerplatform.com",
    ),
}
MAX_URL_LENGTH = 1000
DEFAULT_TIMEOUT_SECONDS = 10.0
MAX_ERROR_LENGTH = 500


class WebhookError(Exception):
    """A post that did not reach the channel; the message says why, briefly."""


def host_allowed(host: str, patterns: Iterable[str]) -> bool:
    host = host.lower().rstrip(".")
    for pattern in patterns:
        pattern = pattern.strip().lower()
        if not pattern:
            continue
        if pattern == "*":
            return True
        if pattern.startswith("."):
            if host.endswith(pattern) and len(host) > len(pattern):
                return True
        elif host == pattern:
            return True
    return False


def url_problem(
    url: str, kind: str, *, extra_hosts: Iterable[str] = (), allow_http: bool = False
) -> str | None:
    """What is wrong with a webhook address for ``kind`` ("slack" or "teams"), or None.

    The address must be absolute, use HTTPS (plain HTTP only where the operator allows it),
    carry no user name or password, and point at the service's own webhook hosts or at a host
    the operator added.
    """
    url = (url or "").strip()
    if not url:
        return "Paste the webhook's address."
    if len(url) > MAX_URL_LENGTH:
        return f"Keep it under {MAX_URL_LENGTH} characters."
    if any(ch.isspace() for ch in url) or any(ord(ch) < 32 for ch in url):
        return "A web address has no spaces or control characters."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "That is not a web address."
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes:
        return "Use the https:// address the service gave you."
    host = parts.hostname or ""
    if not host:
        return "That is not a web address."
    if parts.username or parts.password:
        return "The address must not contain a user name or password."
    if port is not None and not 0 < port < 65536:
        return "That is not a web address."
    allowed = (*PROVIDER_HOSTS.get(kind, ()), *extra_hosts)
    if not host_allowed(host, allowed):
        service = "Slack" if kind == "slack" else "Microsoft Teams"
        return f"This is not a {service} webhook address ({host} is not one of its hosts)."
    if not parts.path or parts.path == "/":
        return "The address is incomplete: copy all of it."
    return None


def mask_url(url: str) -> str:
    """The address with its secret part hidden: scheme, host and the last four characters."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "\u2026"
    tail = url[-4:] if len(url) > 12 else ""
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}/\u2026{tail}" if host else f"\u2026{tail}"


# -- messages ------------------------------------------------------------------------------


def slack_payload(subject: str, body: str) -> dict[str, Any]:
    """A Slack message: the subject in bold, then the body (Slack's own link syntax is not
    needed: it links plain addresses itself)."""
    return {"text": f"*{subject}*\n{body}", "unfurl_links": False}


def teams_payload(subject: str, body: str) -> dict[str, Any]:
    """A Microsoft Teams message carrying an Adaptive Card, the format both Teams workflows
    and incoming webhooks accept."""
    blocks: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": subject, "weight": "Bolder", "size": "Medium", "wrap": True}
    ]
    blocks.extend(
        {"type": "TextBlock", "text": paragraph, "wrap": True}
        for paragraph in body.split("\n\n")
        if paragraph.strip()
    )
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": blocks,
                },
            }
        ],
    }


def payload_for(kind: str, subject: str, body: str) -> dict[str, Any]:
    return slack_payload(subject, body) if kind == "slack" else teams_payload(subject, body)


# -- posting -------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx answer is then raised as an HTTPError


_opener = urllib.request.build_opener(_NoRedirects)


def post_json(
    url: str,
    payload: dict[str, Any],
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    idempotency_key: str | None = None,
) -> int:
    """POST ``payload`` as JSON; return the HTTP status, or raise ``WebhookError``. With an
    ``idempotency_key``, the request carries it as ``Idempotency-Key`` (the same on every
    attempt at the same message, so the receiver can drop a repeat)."""
    headers = {"Content-Type": "application/json", "User-Agent": "LineOfSight"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    scheme = urlsplit(url).scheme
    if scheme not in ("https", "http"):
        raise WebhookError("The webhook address is not an http(s) address.")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked just above
        url,
        data=json.dumps(payload).encode("utf-8"),
        headers=headers,
        method="POST",
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = int(response.status)
            response.read(1024)
    except urllib.error.HTTPError as exc:
        detail = ""
        try:
            detail = exc.read(200).decode("utf-8", "replace").strip()
        except OSError:
            detail = ""
        reason = f"The channel answered {exc.code} {exc.reason}"
        raise WebhookError(_short(f"{reason}: {detail}" if detail else reason)) from None
    except urllib.error.URLError as exc:
        raise WebhookError(_short(f"Could not reach the channel: {exc.reason}")) from None
    except TimeoutError:
        raise WebhookError(f"The channel did not answer within {timeout:g} seconds.") from None
    except OSError as exc:
        raise WebhookError(_short(f"Could not reach the channel: {exc}")) from None
    if not 200 <= status < 300:
        raise WebhookError(f"The channel answered {status}.")
    return status


def _short(text: str) -> str:
    return text if len(text) <= MAX_ERROR_LENGTH else text[: MAX_ERROR_LENGTH - 1] + "\u2026"
