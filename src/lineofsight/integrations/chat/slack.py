"""Slack's Web API as the product uses it, and the messages and modal it sends.

* ``api``: one Web API call (``Authorization: Bearer`` with the bot token); Slack answers
  ``{"ok": true, ...}`` or ``{"ok": false, "error": "..."}``.
* ``signature_problem``: checks a request from Slack (``X-Slack-Signature``: ``v0=`` and the
  HMAC-SHA256 of ``v0:{timestamp}:{body}`` under the app's signing secret, with a
  ``X-Slack-Request-Timestamp`` at most five minutes away).
* ``reminder_blocks``, ``check_in_modal``, ``submitted``: a reminder with a button per key
  result, the modal the button opens, and what was typed in it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Any

from lineofsight.integrations.chat.http import ChatError, call

SERVICE = "Slack"
MAX_AGE_SECONDS = 5 * 60
CHECK_IN_ACTION = "check_in"
CHECK_IN_VIEW = "check_in"
CONFIDENCE = (("on_track", "On track"), ("at_risk", "At risk"), ("off_track", "Off track"))
# Errors after which trying again cannot help.
PERMANENT = frozenset(
    {
        "users_not_found",
        "user_not_found",
        "channel_not_found",
        "not_authed",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "no_permission",
        "missing_scope",
        "user_disabled",
        "cannot_dm_bot",
    }
)
# Block ids of the modal's inputs, named as the check-in's fields.
INPUTS = ("value", "done", "confidence", "note")


def api(
    base_url: str,
    method: str,
    token: str,
    *,
    timeout: float,
    json: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Call ``method`` (``chat.postMessage``) with a JSON body, or a form body (the methods
    that take no JSON, such as ``users.lookupByEmail``); raise ``ChatError`` unless ok."""
    headers = {"Authorization": f"Bearer {token}"}
    if json is not None:
        headers["Content-Type"] = "application/json; charset=utf-8"
    answer = call(
        "POST",
        base_url.rstrip("/") + "/" + method,
        timeout=timeout,
        headers=headers,
        json=json,
        data=form,
        service=SERVICE,
    )
    if not isinstance(answer, dict):
        raise ChatError(f"Slack answered {method} with something unexpected.")
    if not answer.get("ok"):
        error = str(answer.get("error") or "unknown_error")
        raise ChatError(f"Slack refused {method}: {error}", permanent=error in PERMANENT)
    return answer


def lookup_user_id(base_url: str, token: str, email: str, *, timeout: float) -> str:
    answer = api(base_url, "users.lookupByEmail", token, timeout=timeout, form={"email": email})
    user = answer.get("user") or {}
    user_id = user.get("id") if isinstance(user, dict) else None
    if not isinstance(user_id, str) or not user_id:
        raise ChatError("Slack's answer to users.lookupByEmail had no user id.")
    return user_id


def signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signature_problem(
    secret: str, timestamp: str | None, given: str | None, body: bytes, *, now: float
) -> str | None:
    """Why a request is not from Slack, or None when its signature holds."""
    if not secret:
        return "Slack is not connected."
    if not timestamp or not given:
        return "The request is not signed."
    try:
        sent = int(timestamp)
    except ValueError:
        return "The request's timestamp is not a number."
    if abs(now - sent) > MAX_AGE_SECONDS:
        return "The request is too old (or from the future)."
    if not hmac.compare_digest(signature(secret, timestamp, body), given):
        return "The request's signature does not match."
    return None


# -- messages ------------------------------------------------------------------------------


def _text(text: str, limit: int = 3000) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reminder_blocks(
    subject: str, body: str, key_results: Sequence[tuple[int, str]]
) -> list[dict[str, Any]]:
    """The message: its subject and text, then each key result due with a button."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _text(subject, 150)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _text(body)}},
    ]
    for pk, title in key_results[:20]:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": _text(title, 2000)},
                "accessory": {
                    "type": "button",
                    "action_id": f"{CHECK_IN_ACTION}:{pk}",
                    "value": str(pk),
                    "text": {"type": "plain_text", "text": "Check in"},
                },
            }
        )
    return blocks


def message_payload(
    channel: str, subject: str, body: str, key_results: Sequence[tuple[int, str]]
) -> dict[str, Any]:
    return {
        "channel": channel,
        "text": _text(f"{subject}\n{body}", 4000),  # notifications and old clients
        "blocks": reminder_blocks(subject, body, key_results),
        "unfurl_links": False,
    }


def _input(block_id: str, label: str, element: dict[str, Any], optional: bool) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": {**element, "action_id": block_id},
    }


def _option(value: str, label: str) -> dict[str, Any]:
    return {"value": value, "text": {"type": "plain_text", "text": label}}


def check_in_modal(
    *, key_result_id: int, title: str, milestone: bool, unit: str = ""
) -> dict[str, Any]:
    """The modal a reminder's button opens: the value (or done), confidence and a note."""
    if milestone:
        first = _input(
            "done",
            "Done?",
            {
                "type": "static_select",
                "options": [_option("yes", "Done"), _option("no", "Not done yet")],
            },
            optional=False,
        )
    else:
        first = _input(
            "value",
            f"Current value ({unit})" if unit else "Current value",
            {"type": "plain_text_input"},
            optional=False,
        )
    return {
        "type": "modal",
        "callback_id": CHECK_IN_VIEW,
        "private_metadata": str(key_result_id),
        "title": {"type": "plain_text", "text": "Check in"},
        "submit": {"type": "plain_text", "text": "Record"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "section", "text": {"type": "plain_text", "text": _text(title, 2000)}},
            first,
            _input(
                "confidence",
                "Confidence",
                {
                    "type": "static_select",
                    "options": [_option(v, label) for v, label in CONFIDENCE],
                },
                optional=False,
            ),
            _input(
                "note",
                "Note",
                {"type": "plain_text_input", "multiline": True, "max_length": 2000},
                optional=True,
            ),
        ],
    }


def submitted(view: dict[str, Any]) -> dict[str, str]:
    """What was typed in the modal, by input ("value", "done", "confidence", "note")."""
    values = (view.get("state") or {}).get("values") or {}
    out: dict[str, str] = {}
    if not isinstance(values, dict):
        return out
    for block_id in INPUTS:
        block = values.get(block_id)
        if not isinstance(block, dict):
            continue
        element = block.get(block_id)
        if not isinstance(element, dict):
            continue
        if element.get("type") == "static_select":
            option = element.get("selected_option") or {}
            out[block_id] = str(option.get("value") or "") if isinstance(option, dict) else ""
        else:
            out[block_id] = str(element.get("value") or "")
    return out
