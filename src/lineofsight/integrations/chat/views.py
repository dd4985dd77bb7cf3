"""HR's chat page (``/organisation/chat/``: connect, test and disconnect the Slack app and
the Microsoft Teams bot) and the two endpoints the platforms call.

* ``/chat/slack/interactions/``: Slack's interactivity Request URL. Every request must carry
  Slack's signature (checked before anything is read); a reminder's button opens the
  check-in modal, and the modal's submission records the check-in as the person the Slack
  user is linked to, or answers with errors per field.
* ``/chat/teams/messages/``: the bot's messaging endpoint. Every request must carry a Bot
  Framework token for this bot; someone talking to the bot is linked by their email, and a
  card's check-in form records the check-in as them, answering with the result.

Neither endpoint has a session: the signature or token is the key, and anything else is
refused with 401, changing nothing.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from lineofsight.core.errors import InvalidInput, NotFound
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.selectors import get_key_result_for_user
from lineofsight.integrations.chat import actions, sending, slack, teams
from lineofsight.integrations.chat.http import ChatError
from lineofsight.integrations.chat.models import ChatAccount, ChatApp, ChatKind
from lineofsight.integrations.models import Notification
from lineofsight.people.models import Person
from lineofsight.people.organisation.selectors import require_hr
from lineofsight.people.sso import secrets

logger = logging.getLogger("lineofsight.chat")
NAV = "organisation"
RECENT_FAILURES = 20
DM = (Notification.Channel.SLACK_DM, Notification.Channel.TEAMS_DM)


class SlackForm(forms.Form):
    bot_token = forms.CharField(
        label="Bot User OAuth Token",
        required=False,
        max_length=300,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="From the app's OAuth & Permissions page (xoxb-…).",
    )
    signing_secret = forms.CharField(
        label="Signing secret",
        required=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="From the app's Basic Information page.",
    )


class TeamsForm(forms.Form):
    app_id = forms.CharField(label="Microsoft App ID", max_length=200)
    password = forms.CharField(
        label="Client secret (app password)",
        required=False,
        max_length=500,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    tenant_id = forms.CharField(
        label="Tenant ID",
        required=False,
        max_length=200,
        help_text="Your Microsoft 365 tenant (needed to start conversations in it).",
    )


def _page(
    request: SignedInRequest,
    *,
    slack_form: forms.Form | None = None,
    teams_form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    apps = {a.kind: a for a in ChatApp.objects.select_related("created_by")}
    linked = dict(
        ChatAccount.objects.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    teams_app = apps.get(ChatKind.TEAMS)
    failures = list(
        Notification.objects.filter(channel__in=DM)
        .filter(Q(state=Notification.State.FAILED) | ~Q(last_error=""))
        .exclude(state=Notification.State.SENT)
        .select_related("recipient")
        .order_by("-last_attempt_at", "-pk")[:RECENT_FAILURES]
    )
    site = settings.SITE_URL.rstrip("/")
    return render_page(
        request,
        "integrations/chat_settings.html",
        {
            "nav": NAV,
            "slack": apps.get(ChatKind.SLACK),
            "teams": teams_app,
            "linked": linked,
            "slack_form": slack_form or SlackForm(),
            "teams_form": teams_form
            or TeamsForm(
                initial={"app_id": teams_app.app_id, "tenant_id": teams_app.tenant_id}
                if teams_app
                else None
            ),
            "slack_url": site + reverse("chat-slack-interactions"),
            "teams_url": site + reverse("chat-teams-messages"),
            "failures": failures,
        },
        status=status,
    )


@page
@require_GET
def chat_settings(request: SignedInRequest) -> HttpResponse:
    require_hr(request.user)
    return _page(request)


# Per app: its form, the action that connects it and the page's keyword for the form.
CONNECT: dict[str, tuple[type[forms.Form], Callable[..., ChatApp], str]] = {
    ChatKind.SLACK: (SlackForm, actions.connect_slack, "slack_form"),
    ChatKind.TEAMS: (TeamsForm, actions.connect_teams, "teams_form"),
}


@page
@require_POST
def chat_connect(request: SignedInRequest) -> HttpResponse:
    require_hr(request.user)
    kind = request.POST.get("kind", "")
    if kind not in CONNECT:
        messages.error(request, "kind: choose slack or teams.")
        return _page(request, status=422)
    form_class, connect, name = CONNECT[kind]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            connect(acting_user=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"{ChatKind(kind).label} is connected. Send yourself a test message."
            )
            return redirect("chat-settings")
    return _page(request, status=422, **{name: form})


@page
@require_POST
def chat_test(request: SignedInRequest) -> HttpResponse:
    """Send the HR admin a direct message now, through the connected app."""
    require_hr(request.user)
    kind = request.POST.get("kind", "")
    app = ChatApp.objects.filter(kind=kind).first()
    if app is None:
        messages.error(request, "kind: choose an app that is connected.")
        return _page(request, status=422)
    subject = "Line of Sight is connected"
    body = "Reminders and escalations you choose to receive in chat will come here."
    try:
        if kind == ChatKind.SLACK:
            sending.send_slack(app, request.user, subject, body, None)
            messages.success(request, "Sent you a direct message in Slack.")
        elif ChatAccount.objects.filter(person=request.user, kind=ChatKind.TEAMS).exists():
            sending.send_teams(app, request.user, subject, body, None)
            messages.success(request, "Sent you a direct message in Microsoft Teams.")
        else:
            sending.teams_token(app)
            messages.success(
                request,
                "The bot's credentials work. Say hello to the bot in Microsoft Teams to receive "
                "a test message.",
            )
    except ChatError as exc:
        messages.error(request, f"The test failed: {exc}")
    return redirect("chat-settings")


@page
@require_POST
def chat_disconnect(request: SignedInRequest) -> HttpResponse:
    require_hr(request.user)
    kind = request.POST.get("kind", "")
    try:
        unlinked = actions.disconnect_chat_app(acting_user=request.user, kind=kind)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
        return _page(request, status=422)
    label = ChatKind(kind).label
    messages.success(request, f"{label} is disconnected ({unlinked} people unlinked).")
    return redirect("chat-settings")


# -- Slack's interactivity -------------------------------------------------------------------


def _linked(kind: str, user_id: Any) -> Person | None:
    if not isinstance(user_id, str) or not user_id:
        return None
    account = (
        ChatAccount.objects.filter(kind=kind, user_id=user_id, person__is_active=True)
        .select_related("person")
        .first()
    )
    return account.person if account else None


def _slack_errors(exc: InvalidInput, milestone: bool) -> dict[str, str]:
    """The errors per block of the modal; anything not about one input goes on the first."""
    first = "done" if milestone else "value"
    out: dict[str, str] = {}
    for field, problems in exc.errors.items():
        block = field if field in slack.INPUTS else first
        if field == "done" and not milestone:
            block = "value"
        text = " ".join(problems)
        out[block] = f"{out[block]} {text}" if block in out else text
    return out


def _slack_open(app: ChatApp, payload: dict[str, Any], person: Person | None) -> HttpResponse:
    actions_taken = payload.get("actions") or []
    action = actions_taken[0] if actions_taken and isinstance(actions_taken[0], dict) else {}
    if not str(action.get("action_id", "")).startswith(slack.CHECK_IN_ACTION):
        return HttpResponse(status=200)
    kr = None
    if person is not None:
        try:
            kr = get_key_result_for_user(person, action.get("value"))
        except NotFound:
            kr = None
        if kr is not None and not GoalViewer.of(person).can_check_in(kr):
            kr = None
    if kr is None:
        view: dict[str, Any] = {
            "type": "modal",
            "title": {"type": "plain_text", "text": "Check in"},
            "close": {"type": "plain_text", "text": "Close"},
            "blocks": [
                {
                    "type": "section",
                    "text": {"type": "plain_text", "text": actions.NO_SUCH_KEY_RESULT},
                }
            ],
        }
    else:
        view = slack.check_in_modal(
            key_result_id=kr.pk,
            title=kr.title,
            milestone=kr.kind == "milestone",
            unit=getattr(kr, "unit", "") or "",
        )
    try:
        slack.api(
            settings.SLACK_API_URL,
            "views.open",
            sending.app_secret(app),
            timeout=sending.timeout(),
            json={"trigger_id": str(payload.get("trigger_id") or ""), "view": view},
        )
    except ChatError as exc:
        logger.warning("Slack refused to open the check-in modal: %s", exc)
    return HttpResponse(status=200)


def _slack_submit(payload: dict[str, Any], person: Person | None) -> HttpResponse:
    view = payload.get("view") or {}
    if not isinstance(view, dict) or view.get("callback_id") != slack.CHECK_IN_VIEW:
        return HttpResponse(status=200)
    fields = slack.submitted(view)
    milestone = "done" in fields
    if person is None:
        first = "done" if milestone else "value"
        return JsonResponse(
            {
                "response_action": "errors",
                "errors": {
                    first: "Your Slack user is not linked to anyone in Line of Sight: ask HR."
                },
            }
        )
    try:
        actions.check_in_from_chat(
            acting_user=person,
            kind=ChatKind.SLACK,
            interaction=f"view:{view.get('id', '')}",
            key_result_id=str(view.get("private_metadata") or ""),
            confidence=fields.get("confidence", ""),
            value=fields.get("value", ""),
            done=fields.get("done", ""),
            note=fields.get("note", ""),
        )
    except InvalidInput as exc:
        return JsonResponse({"response_action": "errors", "errors": _slack_errors(exc, milestone)})
    return JsonResponse({"response_action": "clear"})


@csrf_exempt
@require_POST
def slack_interactions(request: HttpRequest) -> HttpResponse:
    app = ChatApp.objects.filter(kind=ChatKind.SLACK).first()
    secret = (secrets.decrypt(app.signing_secret) or "") if app else ""
    problem = slack.signature_problem(
        secret,
        request.headers.get("X-Slack-Request-Timestamp"),
        request.headers.get("X-Slack-Signature"),
        request.body,
        now=time.time(),
    )
    if problem or app is None:
        return HttpResponse(problem or "Slack is not connected.", status=401)
    try:
        payload = json.loads(request.POST.get("payload", ""))
    except ValueError:
        return HttpResponse("payload: not JSON.", status=400)
    if not isinstance(payload, dict):
        return HttpResponse("payload: not an object.", status=400)
    user = payload.get("user") or {}
    person = _linked(ChatKind.SLACK, user.get("id") if isinstance(user, dict) else None)
    if payload.get("type") == "block_actions":
        return _slack_open(app, payload, person)
    if payload.get("type") == "view_submission":
        return _slack_submit(payload, person)
    return HttpResponse(status=200)


# -- the Teams bot -------------------------------------------------------------------------


def _teams_link(app: ChatApp, activity: dict[str, Any], user_id: str) -> Person | None:
    """Whom a Teams user talking to the bot is: linked before, or matched now by the email
    the connector gives for them."""
    person = _linked(ChatKind.TEAMS, user_id)
    if person is not None:
        return person
    conversation = (activity.get("conversation") or {}).get("id") or ""
    if not conversation:
        return None
    try:
        token = sending.teams_token(app)
        profile = teams.member(
            settings.TEAMS_SERVICE_URL, token, conversation, user_id, timeout=sending.timeout()
        )
    except ChatError as exc:
        logger.warning("Could not learn who is talking to the Teams bot: %s", exc)
        return None
    email = str(profile.get("email") or profile.get("userPrincipalName") or "").strip()
    found = Person.objects.filter(email__iexact=email, is_active=True) if email else None
    if not found or found.count() != 1:
        return None
    person = found.get()
    try:
        account = actions.link_chat_account(
            acting_user=None, person=person, kind=ChatKind.TEAMS, user_id=user_id
        )
    except InvalidInput:
        return None
    if (activity.get("conversation") or {}).get("conversationType") == "personal":
        ChatAccount.objects.filter(pk=account.pk).update(conversation_id=conversation)
    return person


def _teams_check_in(activity: dict[str, Any], value: dict[str, Any], person: Person) -> str:
    pk, fields = teams.submitted(value)
    conversation = (activity.get("conversation") or {}).get("id") or ""
    try:
        done = actions.check_in_from_chat(
            acting_user=person,
            kind=ChatKind.TEAMS,
            interaction=f"activity:{conversation}:{activity.get('id', '')}",
            key_result_id=pk,
            confidence=fields.get("confidence", ""),
            value=fields.get("value", ""),
            done=fields.get("done", ""),
            note=fields.get("note", ""),
        )
    except InvalidInput as exc:
        return "Not recorded. " + exc.summary()
    if done.check_in is None:
        return f"Your check-in on “{done.key_result_title}” was recorded already."
    return f"Recorded your check-in on “{done.key_result_title}”."


def _teams_reply(app: ChatApp, activity: dict[str, Any], text: str) -> None:
    conversation = (activity.get("conversation") or {}).get("id") or ""
    try:
        token = sending.teams_token(app)
        teams.send_activity(
            settings.TEAMS_SERVICE_URL,
            token,
            conversation,
            {"type": "message", "text": text, "replyToId": activity.get("id", "")},
            timeout=sending.timeout(),
            reply_to=str(activity.get("id") or ""),
        )
    except ChatError as exc:
        logger.warning("Could not answer in Microsoft Teams: %s", exc)


@csrf_exempt
@require_POST
def teams_messages(request: HttpRequest) -> HttpResponse:
    app = ChatApp.objects.filter(kind=ChatKind.TEAMS).first()
    try:
        teams.verify(
            request.headers.get("Authorization"),
            app_id=app.app_id if app else "",
            metadata_url=settings.TEAMS_OPENID_METADATA_URL,
            timeout=sending.timeout(),
        )
    except teams.Unverified as exc:
        return HttpResponse(str(exc), status=401)
    assert app is not None
    try:
        activity = json.loads(request.body)
    except ValueError:
        return HttpResponse("The activity is not JSON.", status=400)
    if not isinstance(activity, dict):
        return HttpResponse("The activity is not an object.", status=400)
    sender = activity.get("from") or {}
    user_id = str(sender.get("id") or "") if isinstance(sender, dict) else ""
    if not user_id:
        return HttpResponse(status=200)
    person = _teams_link(app, activity, user_id)
    invoke = activity.get("type") == "invoke"
    value = activity.get("value")
    if invoke and isinstance(value, dict) and isinstance(value.get("action"), dict):
        value = value["action"].get("data")  # Action.Execute: adaptiveCard/action
    if person is None:
        text = "Your Microsoft Teams account is not linked to anyone in Line of Sight: ask HR."
    elif isinstance(value, dict) and value.get("action") == teams.CHECK_IN_ACTION:
        text = _teams_check_in(activity, value, person)
    elif activity.get("type") == "message":
        text = f"Hello {person.name}: reminders you choose to receive in chat will come here."
    else:
        return HttpResponse(status=200)
    if invoke:
        return JsonResponse(
            {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}
        )
    _teams_reply(app, activity, text)
    return HttpResponse(status=200)
