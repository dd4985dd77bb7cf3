"""Pages: webhooks (``/settings/webhooks/``) and the calendar feed (``/settings/calendar/``,
``/calendar/<token>.ics``).

Webhooks are for HR (who see and manage every subscription) and for people with an API token
(their own). Nothing here calls a receiver: a test ping and a replay are queued and sent in
the background. The calendar page is each person's own; the feed itself needs no sign-in, its
secret address is the key.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.goals.access import GoalViewer
from lineofsight.integrations import calendar_feed
from lineofsight.integrations.access import IntegrationViewer
from lineofsight.integrations.outbound import actions, dispatch, selectors
from lineofsight.integrations.outbound.events import EVENT_TYPES, PING
from lineofsight.integrations.outbound.models import WebhookSubscription

DELIVERIES_SHOWN = 30


class WebhookForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What receives it, e.g. 'HR data lake'.",
    )
    url = forms.CharField(
        label="Receiver's address",
        max_length=1000,
        widget=forms.URLInput(attrs={"placeholder": "https://", "spellcheck": "false"}),
        help_text="An https:// address on a public host; each delivery is a signed POST.",
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=[(e.name, e.label) for e in EVENT_TYPES],
        widget=forms.CheckboxSelectMultiple,
        help_text="A delivery is sent only about what you may see yourself.",
    )


def _viewer(request: SignedInRequest) -> IntegrationViewer:
    viewer = GoalViewer.of(request.user)
    assert isinstance(viewer, IntegrationViewer)
    return viewer


def _list_page(
    request: SignedInRequest,
    form: WebhookForm,
    *,
    secret: str = "",
    created: WebhookSubscription | None = None,
    status: int = 200,
) -> HttpResponse:
    subscriptions = list(selectors.subscriptions_for_user(request.user))
    return render_page(
        request,
        "integrations/webhooks.html",
        {
            "nav": "webhooks",
            "subscriptions": subscriptions,
            "form": form,
            "can_subscribe": _viewer(request).can_use_webhooks(),
            "secret": secret,
            "created": created,
            "events": EVENT_TYPES,
            "worker": dispatch.runs_in_worker(),
        },
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def webhook_list(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        form = WebhookForm(request.POST)
        if form.is_valid():
            try:
                subscription, secret = actions.create_subscription(
                    acting_user=request.user,
                    name=form.cleaned_data["name"],
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Webhook {subscription.name!r} created.")
                return _list_page(
                    request, WebhookForm(), secret=secret, created=subscription, status=201
                )
        return _list_page(request, form, status=422)
    return _list_page(request, WebhookForm())


def _detail_page(
    request: SignedInRequest,
    subscription: WebhookSubscription,
    form: WebhookForm | None = None,
    *,
    secret: str = "",
    status: int = 200,
) -> HttpResponse:
    form = form or WebhookForm(
        initial={"name": subscription.name, "url": subscription.url, "events": subscription.events}
    )
    deliveries = list(selectors.deliveries_of(subscription)[:DELIVERIES_SHOWN])
    labels = {e.name: e.label for e in (*EVENT_TYPES, PING)}
    for d in deliveries:
        d.label = labels.get(d.event, d.event)  # type: ignore[attr-defined]
    return render_page(
        request,
        "integrations/webhook_detail.html",
        {
            "nav": "webhooks",
            "subscription": subscription,
            "form": form,
            "deliveries": deliveries,
            "secret": secret,
            "worker": dispatch.runs_in_worker(),
        },
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def webhook_detail(request: SignedInRequest, subscription_id: int) -> HttpResponse:
    subscription = selectors.get_subscription_for_user(request.user, subscription_id)
    if request.method == "POST":
        form = WebhookForm(request.POST)
        if form.is_valid():
            try:
                actions.update_subscription(
                    acting_user=request.user,
                    subscription=subscription,
                    name=form.cleaned_data["name"],
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Webhook saved.")
                return redirect("webhook", subscription.pk)
        return _detail_page(request, subscription, form, status=422)
    return _detail_page(request, subscription)


@page
@require_POST
def webhook_state(request: SignedInRequest, subscription_id: int) -> HttpResponse:
    subscription = selectors.get_subscription_for_user(request.user, subscription_id)
    state = request.POST.get("state", "")
    try:
        actions.update_subscription(
            acting_user=request.user, subscription=subscription, state=state
        )
    except InvalidInput as exc:
        messages.error(request, "; ".join(m for ms in exc.errors.values() for m in ms))
    else:
        messages.success(request, "Webhook turned on." if state == "active" else "Webhook paused.")
    return redirect("webhook", subscription.pk)


@page
@require_POST
def webhook_rotate(request: SignedInRequest, subscription_id: int) -> HttpResponse:
    subscription = selectors.get_subscription_for_user(request.user, subscription_id)
    secret = actions.rotate_secret(acting_user=request.user, subscription=subscription)
    messages.success(request, "New secret made; the old one no longer signs deliveries.")
    return _detail_page(request, subscription, secret=secret)


@page
@require_POST
def webhook_ping(request: SignedInRequest, subscription_id: int) -> HttpResponse:
    subscription = selectors.get_subscription_for_user(request.user, subscription_id)
    actions.send_ping(acting_user=request.user, subscription=subscription)
    messages.success(request, _queued("A test ping"))
    return redirect("webhook", subscription.pk)


@page
@require_POST
def webhook_delete(request: SignedInRequest, subscription_id: int) -> HttpResponse:
    subscription = selectors.get_subscription_for_user(request.user, subscription_id)
    name = subscription.name
    actions.delete_subscription(acting_user=request.user, subscription=subscription)
    messages.success(request, f"Webhook {name!r} deleted, with its delivery log.")
    return redirect("webhooks")


@page
@require_POST
def delivery_replay(request: SignedInRequest, delivery_id: str) -> HttpResponse:
    delivery = selectors.get_delivery_for_user(request.user, delivery_id)
    try:
        actions.replay_delivery(acting_user=request.user, delivery=delivery)
    except InvalidInput as exc:
        messages.error(request, "; ".join(m for ms in exc.errors.values() for m in ms))
    else:
        messages.success(request, _queued("The delivery"))
    return redirect("webhook", delivery.subscription_id)


def _queued(what: str) -> str:
    if dispatch.runs_in_worker():
        return f"{what} is queued; it is sent in the background within moments."
    return f"{what} is queued; it is sent by the next scheduled run (lineofsight remind)."


# -- the calendar feed -----------------------------------------------------------------------


def _calendar_page(request: SignedInRequest, *, raw: str = "", status: int = 200) -> HttpResponse:
    feed = calendar_feed.feed_of(request.user)
    url = calendar_feed.feed_url(raw) if raw else ""
    return render_page(
        request,
        "integrations/calendar.html",
        {
            "nav": "calendar",
            "feed": feed,
            "url": url,
            "webcal": url.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1),
        },
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def calendar_settings(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        _, raw = calendar_feed.make_feed(acting_user=request.user, person=request.user)
        messages.success(request, "Your calendar address is ready; copy it now.")
        return _calendar_page(request, raw=raw)
    return _calendar_page(request)


@page
@require_POST
def calendar_revoke(request: SignedInRequest) -> HttpResponse:
    if calendar_feed.revoke_feed(acting_user=request.user, person=request.user):
        messages.success(request, "Calendar address revoked: calendars using it get nothing more.")
    return redirect("calendar-settings")


@require_http_methods(["GET", "HEAD"])
def calendar_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The feed: no sign-in, the secret address is the key; unknown and revoked are 404."""
    person = calendar_feed.person_for_token(token)
    if person is None:
        raise Http404("No such calendar.")
    response = HttpResponse(
        calendar_feed.build_calendar(person), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="lineofsight.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response
