"""The Notifications page (``/settings/notifications/``): my digest preferences, the chat
channels of the teams I lead, and the notifications recently sent to me.

Reminders and escalations have no switch: they are required. The digest is each person's
own choice (nobody else can change it). Team chat webhooks are managed by the team's lead
and HR; their addresses are shown masked once saved.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page, safe_next
from lineofsight.integrations import actions, nudges, selectors
from lineofsight.integrations import inbox as inbox_rules
from lineofsight.integrations.access import IntegrationViewer
from lineofsight.integrations.models import Notification, NotificationPreference, TeamWebhook
from lineofsight.people.models import Team
from lineofsight.people.selectors import get_person_for_user, get_team_for_user

RECENT = 10


class PreferencesForm(forms.Form):
    digest = forms.ChoiceField(
        label="Weekly digest",
        choices=NotificationPreference.Digest.choices,
        widget=forms.RadioSelect,
        help_text="For people who manage others or lead a team: their key results at risk, "
        "missed check-ins and what moved, once a week.",
    )
    digest_channel = forms.ChoiceField(
        label="Deliver it",
        choices=NotificationPreference.DigestChannel.choices,
        widget=forms.RadioSelect,
        help_text="A team channel is shared: only key results of public objectives are "
        "listed there.",
    )
    digest_team = forms.ChoiceField(label="Team channel", required=False)
    channels_shown = forms.BooleanField(required=False, widget=forms.HiddenInput)
    email_mode = forms.ChoiceField(
        label="Emails about mentions, replies, alignment and parent objectives",
        required=False,
        choices=NotificationPreference.EmailMode.choices,
        widget=forms.RadioSelect,
        help_text="The daily summary comes with the day's first reminder run, once a day, "
        "listing what is still unread in your inbox. Reminders and review tasks always come "
        "on their own.",
    )

    def __init__(self, *args: Any, teams: list[Team], chat: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in inbox_rules.DEFAULT_CHANNELS:
            for channel, label in inbox_rules.CHANNEL_LABELS.items():
                required = channel == inbox_rules.EMAIL and kind in inbox_rules.REQUIRED_EMAIL
                # Chat only for someone whose team has a channel connected.
                no_chat = channel == inbox_rules.CHAT and not chat
                self.fields[f"ch_{kind}_{channel}"] = forms.BooleanField(
                    label=f"{Notification.Kind(kind).label}: {label.lower()}",
                    required=False,
                    disabled=required or no_chat,
                )
        field = self.fields["digest_team"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "The first team I lead that has a channel")] + [
            (str(t.pk), t.name) for t in teams
        ]


def channel_rows(form: PreferencesForm) -> list[tuple[str, str, list[forms.BoundField]]]:
    """Per kind: its name, what it is, and its checkboxes (in the app, by email)."""
    return [
        (
            str(Notification.Kind(kind).label),
            inbox_rules.KIND_HELP[Notification.Kind(kind)],
            [form[f"ch_{kind}_{channel}"] for channel in inbox_rules.CHANNEL_LABELS],
        )
        for kind in inbox_rules.DEFAULT_CHANNELS
    ]


def _channel_initial(prefs: NotificationPreference) -> dict[str, bool]:
    return {
        f"ch_{kind}_{channel}": channel in inbox_rules.channels_for(prefs, kind)
        for kind in inbox_rules.DEFAULT_CHANNELS
        for channel in inbox_rules.CHANNEL_LABELS
    }


def _channels_chosen(data: dict[str, Any]) -> dict[str, list[str]]:
    return {
        kind: [c for c in inbox_rules.CHANNEL_LABELS if data.get(f"ch_{kind}_{c}")]
        for kind in inbox_rules.DEFAULT_CHANNELS
    }


class WebhookForm(forms.Form):
    kind = forms.ChoiceField(label="Service", choices=TeamWebhook.Kind.choices)
    url = forms.CharField(
        label="Incoming webhook address",
        max_length=1000,
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="From the channel's settings in Slack or Microsoft Teams (https://...). It is "
        "a secret: once saved it is only shown masked.",
    )


def _managed_teams(request: SignedInRequest) -> list[Team]:
    """Teams whose chat channels I manage here: those I lead (HR manages all in the admin)."""
    return list(Team.objects.filter(lead=request.user).prefetch_related("webhooks"))


def _settings_page(
    request: SignedInRequest,
    *,
    form: PreferencesForm | None = None,
    webhook_forms: dict[int, WebhookForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    prefs = actions.preferences_of(user)
    teams = list(
        Team.objects.filter(Q(lead=user) | Q(memberships__person=user)).distinct().order_by("name")
    )
    if form is None:
        form = PreferencesForm(
            initial={
                "digest": prefs.digest,
                "digest_channel": prefs.digest_channel,
                "digest_team": str(prefs.digest_team_id or ""),
                "email_mode": prefs.email_mode,
                "channels_shown": True,
                **_channel_initial(prefs),
            },
            teams=teams,
            chat=actions.has_chat_channel(user),
        )
    managed = _managed_teams(request)
    webhook_forms = webhook_forms or {}
    recent = list(
        selectors.notifications_for_user(user)
        .filter(recipient=user)
        .order_by("-created_at", "-pk")[:RECENT]
    )
    return render_page(
        request,
        "integrations/settings.html",
        {
            "nav": "notifications",
            "form": form,
            "channel_rows": channel_rows(form),
            "channel_labels": list(inbox_rules.CHANNEL_LABELS.values()),
            "prefs": prefs,
            "managed": [
                (team, list(team.webhooks.all()), webhook_forms.get(team.pk) or WebhookForm())
                for team in managed
            ],
            "chat_teams": {t.pk for t in selectors.channel_teams_for(user)},
            "chat_direct": actions.direct_chat_for(user),
            "recent": recent,
        },
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def notification_settings(request: SignedInRequest) -> HttpResponse:
    if request.method == "GET":
        return _settings_page(request)
    user = request.user
    teams = list(
        Team.objects.filter(Q(lead=user) | Q(memberships__person=user)).distinct().order_by("name")
    )
    form = PreferencesForm(request.POST, teams=teams, chat=actions.has_chat_channel(user))
    if form.is_valid():
        data = form.cleaned_data
        team = next((t for t in teams if str(t.pk) == data["digest_team"]), None)
        try:
            actions.set_notification_preferences(
                acting_user=user,
                person=user,
                digest=data["digest"],
                digest_channel=data["digest_channel"],
                digest_team=team,
                channels=_channels_chosen(data) if data.get("channels_shown") else None,
                email_mode=data.get("email_mode") or None,
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Your notification preferences are saved.")
            return redirect("notification-settings")
    return _settings_page(request, form=form, status=422)


@page
@require_POST
def team_webhook_add(request: SignedInRequest, team_id: int) -> HttpResponse:
    user = request.user
    team = get_team_for_user(user, team_id)
    if not IntegrationViewer.of(user).can_manage_team_channels(team):
        raise NotAllowed("Only the team's lead and HR manage its chat channels.")
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            hook = actions.set_team_webhook(
                acting_user=user,
                team=team,
                kind=form.cleaned_data["kind"],
                url=form.cleaned_data["url"],
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"{team.name}'s {hook.get_kind_display()} channel is connected."
            )
            return redirect("notification-settings")
    if team.lead_id != user.pk:
        # HR adding a channel for a team they do not lead: the errors go back with a message.
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("notification-settings")
    return _settings_page(request, webhook_forms={team.pk: form}, status=422)


@page
@require_POST
def team_webhook_remove(request: SignedInRequest, team_id: int, webhook_id: int) -> HttpResponse:
    user = request.user
    team = get_team_for_user(user, team_id)
    hook = selectors.get_team_webhook_for_user(user, team, webhook_id)
    actions.remove_team_webhook(acting_user=user, webhook=hook)
    messages.success(request, f"{team.name}'s {hook.get_kind_display()} channel is disconnected.")
    return redirect("notification-settings")


@page
@require_POST
def person_nudge(request: SignedInRequest, person_id: int) -> HttpResponse:
    """Ask a report for a check-in now (the button in "My team" on the manager's home)."""
    report = get_person_for_user(request.user, person_id)
    try:
        sent = nudges.nudge_report(acting_user=request.user, report=report)
    except InvalidInput as exc:
        for problems in exc.errors.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        what = (
            f"{sent.due} key result{'' if sent.due == 1 else 's'} due"
            if sent.due
            else ("nothing overdue")
        )
        messages.success(request, f"Asked {report.name} for a check-in ({what}).")
    return redirect(safe_next(request, reverse("home")) + "#my-team")
