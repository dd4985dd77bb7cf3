"""The Bot Framework connector as the product uses it (Microsoft Teams), and its cards.

* ``access_token``: the bot's token, by client credentials at the configured token endpoint
  (kept until shortly before it runs out).
* ``create_conversation``, ``send_activity``, ``member``: ``POST {serviceUrl}/v3/conversations``
  (a one-to-one conversation with a person), ``POST .../{id}/activities`` (a message in it) and
  ``GET .../{id}/members/{member}`` (who someone talking to the bot is: their email).
* ``verify``: a request from the Bot Framework carries a JWT (RS256) issued by
  ``https://api.botframework.com`` for the bot's app id, signed by a key of the JWKS the
  configured OpenID metadata names.
* ``reminder_card`` and ``submitted``: the Adaptive Card a reminder carries (a check-in form
  per key result due) and what its ``Action.Submit`` sent.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import jwt

from lineofsight.integrations.chat.http import ChatError, call

SERVICE = "Microsoft Teams"
ISSUER = "https://api.botframework.com"
SCOPE = "https://api.botframework.com/.default"
CHECK_IN_ACTION = "check_in"
CONFIDENCE = (("on_track", "On track"), ("at_risk", "At risk"), ("off_track", "Off track"))
KEYS_FOR_SECONDS = 24 * 3600

_lock = threading.Lock()
_tokens: dict[tuple[str, str, str], tuple[str, float]] = {}
_jwks: dict[str, tuple[jwt.PyJWKClient, float]] = {}


def access_token(token_url: str, app_id: str, password: str, *, timeout: float) -> str:
    fingerprint = hashlib.sha256(password.encode()).hexdigest()
    key = (token_url, app_id, fingerprint)
    with _lock:
        found = _tokens.get(key)
    if found and found[1] > time.monotonic():
        return found[0]
    answer = call(
        "POST",
        token_url,
        timeout=timeout,
        data={
            "grant_type": "client_credentials",
            "client_id": app_id,
            "client_secret": password,
            "scope": SCOPE,
        },
        service="The Microsoft token endpoint",
    )
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if not isinstance(token, str) or not token:
        raise ChatError("The Microsoft token endpoint gave no access token.", permanent=True)
    try:
        lifetime = int(answer.get("expires_in") or 3600)
    except (TypeError, ValueError):
        lifetime = 3600
    with _lock:
        _tokens[key] = (token, time.monotonic() + max(lifetime - 120, 30))
    return token


def forget_tokens() -> None:
    with _lock:
        _tokens.clear()
        _jwks.clear()


def _url(service_url: str, *parts: str) -> str:
    return (
        service_url.rstrip("/")
        + "/v3/conversations"
        + "".join("/" + quote(p, safe="") for p in parts)
    )


def create_conversation(
    service_url: str, token: str, *, bot_id: str, user_id: str, tenant_id: str, timeout: float
) -> str:
    body: dict[str, Any] = {
        "bot": {"id": bot_id},
        "members": [{"id": user_id}],
        "isGroup": False,
    }
    if tenant_id:
        body["tenantId"] = tenant_id
        body["channelData"] = {"tenant": {"id": tenant_id}}
    answer = call(
        "POST",
        _url(service_url),
        timeout=timeout,
        headers={"Authorization": f"Bearer {token}"},
        json=body,
        service=SERVICE,
    )
    conversation = answer.get("id") if isinstance(answer, dict) else None
    if not isinstance(conversation, str) or not conversation:
        raise ChatError("Microsoft Teams gave no conversation id.")
    return conversation


def send_activity(
    service_url: str,
    token: str,
    conversation_id: str,
    activity: dict[str, Any],
    *,
    timeout: float,
    reply_to: str = "",
) -> None:
    parts = (
        (conversation_id, "activities", reply_to)
        if reply_to
        else (
            conversation_id,
            "activities",
        )
    )
    call(
        "POST",
        _url(service_url, *parts),
        timeout=timeout,
        headers={"Authorization": f"Bearer {token}"},
        json=activity,
        service=SERVICE,
    )


def member(
    service_url: str, token: str, conversation_id: str, member_id: str, *, timeout: float
) -> dict[str, Any]:
    answer = call(
        "GET",
        _url(service_url, conversation_id, "members", member_id),
        timeout=timeout,
        headers={"Authorization": f"Bearer {token}"},
        service=SERVICE,
    )
    return answer if isinstance(answer, dict) else {}


# -- verifying requests ----------------------------------------------------------------------


class Unverified(Exception):
    """A request that is not from the Bot Framework for this bot."""


def _keys(metadata_url: str, *, timeout: float) -> jwt.PyJWKClient:
    now = time.monotonic()
    with _lock:
        found = _jwks.get(metadata_url)
    if found and found[1] > now:
        return found[0]
    try:
        metadata = call("GET", metadata_url, timeout=timeout, service="The Bot Framework")
    except ChatError as exc:
        raise Unverified(str(exc)) from None
    jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
    if not isinstance(jwks_uri, str) or not jwks_uri.startswith(("https://", "http://")):
        raise Unverified("The Bot Framework's OpenID metadata names no keys.")
    client = jwt.PyJWKClient(jwks_uri, cache_keys=True, lifespan=KEYS_FOR_SECONDS, timeout=timeout)
    with _lock:
        _jwks[metadata_url] = (client, now + KEYS_FOR_SECONDS)
    return client


def verify(
    authorization: str | None, *, app_id: str, metadata_url: str, timeout: float
) -> dict[str, Any]:
    """The token's claims, or ``Unverified`` saying why not."""
    if not app_id:
        raise Unverified("Microsoft Teams is not connected.")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unverified("The request carries no bearer token.")
    token = token.strip()
    try:
        key = _keys(metadata_url, timeout=timeout).get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            audience=app_id,
            issuer=ISSUER,
            options={"require": ["exp", "iss", "aud"]},
            leeway=300,
        )
    except (jwt.PyJWTError, jwt.PyJWKClientError) as exc:
        raise Unverified(f"The request's token does not hold: {exc}") from None
    return claims


# -- cards ---------------------------------------------------------------------------------


def _text(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **extra}


def check_in_inputs(pk: int, *, milestone: bool) -> list[dict[str, Any]]:
    first: dict[str, Any]
    if milestone:
        first = {
            "type": "Input.ChoiceSet",
            "id": f"done:{pk}",
            "label": "Done?",
            "isRequired": True,
            "choices": [
                {"title": "Done", "value": "yes"},
                {"title": "Not done yet", "value": "no"},
            ],
        }
    else:
        first = {"type": "Input.Text", "id": f"value:{pk}", "label": "Current value"}
    return [
        first,
        {
            "type": "Input.ChoiceSet",
            "id": f"confidence:{pk}",
            "label": "Confidence",
            "choices": [{"title": label, "value": v} for v, label in CONFIDENCE],
        },
        {"type": "Input.Text", "id": f"note:{pk}", "label": "Note", "isMultiline": True},
    ]


def reminder_card(
    subject: str, body: str, key_results: Sequence[tuple[int, str, bool]]
) -> dict[str, Any]:
    """An Adaptive Card: the message, then per key result due a "Check in" button opening
    its form, whose submit sends ``{"action": "check_in", "key_result": id, ...inputs}``."""
    blocks = [_text(subject, weight="Bolder", size="Medium")]
    blocks.extend(_text(p) for p in body.split("\n\n") if p.strip())
    actions = [
        {
            "type": "Action.ShowCard",
            "title": f"Check in: {title[:60]}",
            "card": {
                "type": "AdaptiveCard",
                "body": [_text(title, weight="Bolder"), *check_in_inputs(pk, milestone=milestone)],
                "actions": [
                    {
                        "type": "Action.Submit",
                        "title": "Record",
                        "data": {"action": CHECK_IN_ACTION, "key_result": pk},
                    }
                ],
            },
        }
        for pk, title, milestone in key_results[:20]
    ]
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": blocks,
    }
    if actions:
        card["actions"] = actions
    return card


def message(text: str, card: dict[str, Any] | None = None) -> dict[str, Any]:
    activity: dict[str, Any] = {"type": "message", "text": text}
    if card is not None:
        activity["attachments"] = [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ]
    return activity


def submitted(value: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The key result a card's submit is about (as sent), and its inputs by field."""
    pk = str(value.get("key_result") or "")
    out: dict[str, str] = {}
    for field in ("value", "done", "confidence", "note"):
        found = value.get(f"{field}:{pk}")
        if found is None:
            found = value.get(field)
        if found is not None:
            out[field] = str(found)
    return pk, out
