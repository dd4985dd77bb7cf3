"""Outbound webhooks end to end, against a real receiver on this machine: signed deliveries,
retries, a dead port, the delivery log and replays, turning off after failures, and what
each subscription's owner may see."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from lineofsight.core import audit, tokens
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals import actions as goals
from lineofsight.integrations.outbound import actions, dispatch, signing
from lineofsight.integrations.outbound.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from lineofsight.integrations.retry import RETRY_DELAYS_SECONDS

from ..okrs import build_cascade
from ..review_conversation import shared_review
from ..reviews import build_review_cycle
from ..webhook_receiver import Receiver, dead_url

SECRET_TITLE = "Quietly court Brightwater's CFO"
DEFERRED = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def subscribe(person, url, events, name="Data lake"):
    if not person.is_hr_admin:
        tokens.create_token(acting_user=person, person=person, name="scripts")
    return actions.create_subscription(acting_user=person, name=name, url=url, events=events)


def private_objective(cast):
    objective = goals.create_objective(
        acting_user=cast.ava,
        title=SECRET_TITLE,
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    kr = goals.create_key_result(
        acting_user=cast.ava,
        objective=objective,
        title="Three lunches with the CFO",
        kind="increase",
        start_value=0,
        target_value=3,
        owner=cast.ava,
    )
    return objective, kr


def check_in(cast, kr, value=1):
    return goals.record_check_in(
        acting_user=cast.ava, key_result=kr, value=value, confidence="on_track", note="Lunch one"
    )


def test_a_check_in_reaches_the_receiver_signed_with_the_subscription_secret(
    cast, django_capture_on_commit_callbacks
):
    c = build_cascade(cast)
    with Receiver() as receiver:
        subscription, secret = subscribe(cast.sam, receiver.url(), ["check_in.recorded"])
        with django_capture_on_commit_callbacks(execute=True):
            recorded = check_in(cast, c.ava_opps, 5)
        # Made on commit, sent by the sweep (the immediate backend never sends inside a
        # request: see the next test for a worker backend).
        assert receiver.received == []
        (delivery,) = WebhookDelivery.objects.filter(subscription=subscription)
        report = dispatch.deliver_pending()
        assert report.outcomes == {"delivered": 1}
        (got,) = receiver.received
    headers = got.headers
    assert headers["x-lineofsight-event"] == "check_in.recorded"
    assert headers["x-lineofsight-delivery"] == str(delivery.pk)
    stamp = signing.verify(secret, headers["x-lineofsight-signature"], got.body, now=time.time())
    assert abs(stamp - time.time()) < 120
    body = json.loads(got.body)
    assert body["id"] == str(delivery.pk)
    assert body["event"] == "check_in.recorded"
    assert body["data"]["id"] == recorded.pk
    assert body["data"]["value"] == 5
    assert body["data"]["note"] == "Lunch one"
    # The wrong secret, a changed body, or an old signature are all refused.
    with pytest.raises(signing.InvalidSignature):
        signing.verify("whsec_other", headers["x-lineofsight-signature"], got.body, now=time.time())
    with pytest.raises(signing.InvalidSignature):
        signing.verify(secret, headers["x-lineofsight-signature"], got.body + b" ", now=time.time())
    with pytest.raises(signing.InvalidSignature, match="tolerance"):
        signing.verify(secret, headers["x-lineofsight-signature"], got.body, now=time.time() + 3600)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 1, 200)
    (attempt,) = delivery.log.all()
    assert (attempt.number, attempt.status_code, attempt.ok) == (1, 200, True)
    assert attempt.response_excerpt == "thanks"


@override_settings(TASKS=DEFERRED)
def test_a_request_only_enqueues_the_delivery_and_never_calls_the_receiver(
    cast, client, django_capture_on_commit_callbacks
):
    """With a worker backend the check-in request makes no call to the receiver (dead or
    alive): it enqueues one task per delivery and returns."""
    from django_tasks import default_task_backend

    c = build_cascade(cast)
    with Receiver() as receiver:
        subscribe(cast.hana, receiver.url(), ["check_in.recorded"], name="Live")
        subscribe(cast.sam, dead_url(), ["check_in.recorded"], name="Dead")
        default_task_backend.clear()
        client.force_login(cast.ava)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/api/check-ins",
                json.dumps({"key_result": c.ava_opps.pk, "value": 6, "confidence": "on_track"}),
                content_type="application/json",
                headers={"X-CSRFToken": "x"},
                enforce_csrf_checks=False,
            )
        assert response.status_code == 201, response.content
        assert receiver.received == []  # no HTTP call during the request
        queued = [r for r in default_task_backend.results if r.task.name == "deliver_webhook"]
        assert len(queued) == 2
        assert {r.status for r in queued} == {"READY"}
        # The worker's turn: the live receiver gets its delivery, the dead one a retry.
        for result in queued:
            dispatch.deliver(*result.args)
        assert len(receiver.received) == 1
    states = dict(WebhookDelivery.objects.values_list("subscription__name", "state"))
    assert states == {"Live": "delivered", "Dead": "pending"}


def test_a_500_is_retried_with_backoff_then_delivered_with_the_same_id(
    cast, django_capture_on_commit_callbacks
):
    c = build_cascade(cast)
    with Receiver() as receiver:
        subscription, secret = subscribe(cast.sam, receiver.url(), ["check_in.recorded"])
        receiver.answer_next(500)
        with django_capture_on_commit_callbacks(execute=True):
            check_in(cast, c.ava_opps)
        assert dispatch.deliver_pending().outcomes == {"retry": 1}
        delivery = WebhookDelivery.objects.get(subscription=subscription)
        assert (delivery.state, delivery.last_status) == ("pending", 500)
        wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
        first = RETRY_DELAYS_SECONDS[0]
        assert first * 0.75 <= wait <= first * 1.25  # the first delay, with jitter
        # Not yet due: nothing is sent.
        assert dispatch.deliver_pending().outcomes == {}
        later = timezone.now() + dt.timedelta(seconds=first * 2)
        assert dispatch.deliver_pending(now=later).outcomes == {"delivered": 1}
        first_try, second_try = receiver.received
    assert first_try.body == second_try.body
    assert (
        first_try.headers["x-lineofsight-delivery"]
        == second_try.headers["x-lineofsight-delivery"]
        == str(delivery.pk)
    )
    log = list(
        WebhookAttempt.objects.filter(delivery=delivery).values_list("number", "status_code")
    )
    assert log == [(1, 500), (2, 200)]
    assert (
        "receiver is down"
        in WebhookAttempt.objects.get(delivery=delivery, number=1).response_excerpt
    )
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0


def test_a_dead_port_is_retried_then_given_up_and_can_be_replayed(
    cast, django_capture_on_commit_callbacks
):
    c = build_cascade(cast)
    subscription, _ = subscribe(cast.sam, dead_url(), ["check_in.recorded"])
    with django_capture_on_commit_callbacks(execute=True):
        check_in(cast, c.ava_opps)
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    when = timezone.now()
    for _ in range(len(RETRY_DELAYS_SECONDS) + 1):
        dispatch.deliver_pending(now=when)
        when += dt.timedelta(days=1)
    delivery.refresh_from_db()
    assert delivery.state == "failed"
    assert delivery.attempts == len(RETRY_DELAYS_SECONDS) + 1
    assert delivery.last_status is None
    assert "Could not connect" in delivery.last_error
    assert all(a.status_code is None and not a.ok for a in delivery.log.all())
    # The receiver is back: replaying sends the same delivery once more.
    with Receiver() as receiver:
        actions.update_subscription(
            acting_user=cast.sam, subscription=subscription, url=receiver.url()
        )
        with django_capture_on_commit_callbacks(execute=True):
            actions.replay_delivery(acting_user=cast.sam, delivery=delivery)
        assert dispatch.deliver_pending().outcomes == {"delivered": 1}
        (got,) = receiver.received
    assert got.headers["x-lineofsight-delivery"] == str(delivery.pk)
    assert json.loads(got.body)["id"] == str(delivery.pk)
    last = delivery.log.order_by("-number").first()
    assert (last.number, last.ok, last.replay_by) == (
        len(RETRY_DELAYS_SECONDS) + 2,
        True,
        cast.sam,
    )
    assert audit.AuditEvent.objects.filter(action="webhook.replay").count() == 1


@override_settings(OUTBOUND_WEBHOOK_DISABLE_AFTER=3)
def test_a_subscription_that_keeps_failing_turns_off_and_its_owner_is_told(
    cast, django_capture_on_commit_callbacks
):
    c = build_cascade(cast)
    subscription, _ = subscribe(cast.sam, dead_url(), ["check_in.recorded"])
    mail.outbox.clear()
    for value in (1, 2, 3):
        with django_capture_on_commit_callbacks(execute=True):
            check_in(cast, c.ava_opps, value)
        dispatch.deliver_pending()
    subscription.refresh_from_db()
    assert subscription.state == "disabled"
    assert "3 failed attempts in a row" in subscription.disabled_reason
    # Nothing more is made for it, and its owner is told by email.
    with django_capture_on_commit_callbacks(execute=True):
        check_in(cast, c.ava_opps, 4)
    assert WebhookDelivery.objects.filter(subscription=subscription).count() == 3
    from lineofsight.integrations.models import Notification

    note = Notification.objects.get(recipient=cast.sam, kind="webhook")
    assert "was turned off" in note.subject
    # Turning it back on clears the count.
    actions.update_subscription(acting_user=cast.sam, subscription=subscription, state="active")
    subscription.refresh_from_db()
    assert (subscription.state, subscription.consecutive_failures) == ("active", 0)


def test_a_private_objective_reaches_hr_but_never_an_employee_who_cannot_see_it(
    cast, django_capture_on_commit_callbacks
):
    build_cascade(cast)
    events = ["objective.created", "check_in.recorded", "objective.changed"]
    with Receiver() as receiver:
        hr, _ = subscribe(cast.hana, receiver.url("/hr"), events, name="HR")
        peer, _ = subscribe(cast.pia, receiver.url("/pia"), events, name="Pia")
        outsider, _ = subscribe(cast.otto, receiver.url("/otto"), events, name="Otto")
        with django_capture_on_commit_callbacks(execute=True):
            objective, kr = private_objective(cast)
        with django_capture_on_commit_callbacks(execute=True):
            check_in(cast, kr)
        with django_capture_on_commit_callbacks(execute=True):
            goals.update_objective(
                acting_user=cast.ava,
                objective=objective,
                description="Over lunch.",
                reason="More context",
            )
        dispatch.deliver_pending()
        paths = [r.path for r in receiver.received]
        bodies = receiver.bodies()
    assert sorted(set(paths)) == ["/hr"]
    assert paths.count("/hr") == 3
    assert any(SECRET_TITLE in b for b in bodies)  # HR reads it
    assert not WebhookDelivery.objects.filter(subscription__in=[peer, outsider]).exists()
    assert all(SECRET_TITLE not in d.body for d in WebhookDelivery.objects.exclude(subscription=hr))


def test_deliveries_made_while_visible_are_not_sent_once_the_owner_may_no_longer_see(
    cast, django_capture_on_commit_callbacks
):
    c = build_cascade(cast)
    with Receiver() as receiver:
        subscription, _ = subscribe(cast.otto, receiver.url(), ["check_in.recorded"])
        with django_capture_on_commit_callbacks(execute=True):
            check_in(cast, c.ava_opps)
        goals.update_objective(
            acting_user=cast.ava, objective=c.ava_obj, visibility="private", reason="Sensitive"
        )
        assert dispatch.deliver_pending().outcomes == {"cancelled": 1}
        assert receiver.received == []
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.state == "cancelled"
    assert "no longer see" in delivery.last_error


def test_a_shared_review_reaches_its_chain_and_hr_by_reference_and_nobody_else(
    cast, django_capture_on_commit_callbacks
):
    setup = build_review_cycle(cast)
    with Receiver() as receiver:
        for person in (cast.hana, cast.sam, cast.pia, cast.otto, cast.dev):
            subscribe(person, receiver.url(f"/{person.username}"), ["review.shared"])
        with django_capture_on_commit_callbacks(execute=True):
            review = shared_review(setup, cast)
        dispatch.deliver_pending()
        got = {r.path: json.loads(r.body) for r in receiver.received}
    assert sorted(got) == ["/hana", "/sam"]
    data = got["/hana"]["data"]
    assert data["id"] == review.pk and data["person_name"] == "Ava Adams"
    for body in WebhookDelivery.objects.values_list("body", flat=True):
        for secret_part in ("rating", "Strong quarter", "Helped me close", "Facts first"):
            assert secret_part not in body


def test_ping_and_rotation_and_the_audit_trail(cast, django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        subscription, first = subscribe(cast.hana, receiver.url(), ["cycle.closed"])
        second = actions.rotate_secret(acting_user=cast.hana, subscription=subscription)
        assert second != first and second.startswith("whsec_")
        with django_capture_on_commit_callbacks(execute=True):
            actions.send_ping(acting_user=cast.hana, subscription=subscription)
        dispatch.deliver_pending()
        (got,) = receiver.received
    signing.verify(second, got.headers["x-lineofsight-signature"], got.body, now=time.time())
    with pytest.raises(signing.InvalidSignature):
        signing.verify(first, got.headers["x-lineofsight-signature"], got.body, now=time.time())
    assert json.loads(got.body)["event"] == "ping"
    actions.update_subscription(acting_user=cast.hana, subscription=subscription, state="paused")
    actions.delete_subscription(acting_user=cast.hana, subscription=subscription)
    assert list(
        audit.AuditEvent.objects.filter(action__startswith="webhook.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "webhook.create",
        "webhook.rotate_secret",
        "webhook.ping",
        "webhook.update",
        "webhook.delete",
    ]
    assert not WebhookSubscription.objects.exists()


def test_who_may_subscribe_and_bad_input(cast):
    with pytest.raises(NotAllowed):  # no API token, not HR
        actions.create_subscription(
            acting_user=cast.dev, name="x", url="https://example.com/x", events=["cycle.closed"]
        )
    tokens.create_token(acting_user=cast.dev, person=cast.dev, name="scripts")
    with pytest.raises(InvalidInput) as caught:
        actions.create_subscription(
            acting_user=cast.dev, name=" ", url="ftp://x", events=["everything"]
        )
    assert set(caught.value.errors) == {"name", "url", "events"}
    assert not WebhookSubscription.objects.exists()
    with Receiver() as receiver:
        subscription, _ = actions.create_subscription(
            acting_user=cast.dev, name="Mine", url=receiver.url(), events=["cycle.closed"]
        )
    with pytest.raises(NotAllowed):
        actions.rotate_secret(acting_user=cast.otto, subscription=subscription)
    actions.rotate_secret(acting_user=cast.hana, subscription=subscription)  # HR may


@override_settings(OUTBOUND_WEBHOOKS_ALLOW_LOCAL=False)
def test_local_addresses_are_refused_unless_allowed(cast):
    with pytest.raises(InvalidInput) as caught:
        actions.create_subscription(
            acting_user=cast.hana, name="x", url="http://127.0.0.1:9/x", events=["cycle.closed"]
        )
    assert "https" in caught.value.errors["url"][0]
    with pytest.raises(InvalidInput) as caught:
        actions.create_subscription(
            acting_user=cast.hana, name="x", url="https://127.0.0.1/x", events=["cycle.closed"]
        )
    assert "loopback" in caught.value.errors["url"][0]


def test_erasing_a_person_deletes_their_webhooks_and_calendar_address(cast):
    from django.test import Client

    from lineofsight.integrations import calendar_feed
    from lineofsight.people import actions as people
    from lineofsight.privacy.actions import erase_person

    subscribe(cast.pia, "http://127.0.0.1:9/x", ["cycle.closed"])
    _, raw = calendar_feed.make_feed(acting_user=cast.pia, person=cast.pia)
    people.update_person(acting_user=cast.hana, person=cast.pia, is_active=False)
    pia = type(cast.pia).objects.get(pk=cast.pia.pk)
    erase_person(acting_user=cast.hana, person=pia, confirm_name="Pia Park")
    assert not WebhookSubscription.objects.filter(owner=pia).exists()
    assert Client().get(f"/calendar/{raw}.ics").status_code == 404
    erased = audit.AuditEvent.objects.get(action="person.erase")
    assert erased.data["webhooks"] == 1


def test_with_no_active_subscription_an_event_costs_one_plain_statement(
    cast, django_capture_on_commit_callbacks, django_assert_num_queries
):
    c = build_cascade(cast)
    with django_capture_on_commit_callbacks() as callbacks:
        check_in(cast, c.ava_opps, 5)
    with django_assert_num_queries(1) as captured:  # is anyone listening? no: nothing more
        for callback in callbacks:
            callback()
    (statement,) = [q["sql"] for q in captured.captured_queries]
    assert statement.startswith("SELECT 1 FROM") and "JOIN" not in statement.upper()
    assert WebhookDelivery.objects.count() == 0
    # A paused subscription listens to nothing either; an active one hears the next event.
    paused, _ = subscribe(cast.sam, dead_url(), ["check_in.recorded"])
    WebhookSubscription.objects.filter(pk=paused.pk).update(state="paused")
    with django_capture_on_commit_callbacks(execute=True):
        check_in(cast, c.ava_opps, 6)
    assert WebhookDelivery.objects.count() == 0
    WebhookSubscription.objects.filter(pk=paused.pk).update(state="active")
    with django_capture_on_commit_callbacks(execute=True):
        recorded = check_in(cast, c.ava_opps, 7)
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.subject_id == recorded.pk and delivery.event == "check_in.recorded"
