"""The webhooks pages: adding one (its secret shown once), its log, a test ping, a replay,
pausing, a new secret, deleting; HR sees everyone's, others their own (and a clear word when
they have no API token); bad input keeps the form with the field's error."""

from __future__ import annotations

import pytest

from lineofsight.core import tokens
from lineofsight.integrations.outbound import dispatch
from lineofsight.integrations.outbound.models import WebhookDelivery, WebhookSubscription

from ..webhook_receiver import Receiver

pytestmark = pytest.mark.django_db


def test_without_a_token_the_page_says_how_to_start(cast, as_user):
    page = as_user(cast.dev).get("/settings/webhooks/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Webhooks need an API token" in text
    assert "Add webhook" not in text
    refused = as_user(cast.dev).post(
        "/settings/webhooks/",
        {"name": "x", "url": "http://127.0.0.1:9/x", "events": ["cycle.closed"]},
    )
    assert refused.status_code == 403


def test_add_ping_replay_pause_rotate_delete(cast, as_user, django_capture_on_commit_callbacks):
    tokens.create_token(acting_user=cast.ava, person=cast.ava, name="scripts")
    client = as_user(cast.ava)
    with Receiver() as receiver:
        made = client.post(
            "/settings/webhooks/",
            {"name": "Pipeline board", "url": receiver.url(), "events": ["check_in.recorded"]},
        )
        assert made.status_code == 201
        subscription = WebhookSubscription.objects.get()
        assert subscription.secret in made.content.decode()
        listed = client.get("/settings/webhooks/").content.decode()
        assert "Pipeline board" in listed and subscription.secret not in listed
        with django_capture_on_commit_callbacks(execute=True):
            pinged = client.post(f"/settings/webhooks/{subscription.pk}/ping/", follow=True)
        assert "A test ping is queued" in pinged.content.decode()
        assert receiver.received == []  # queued, not sent while the page answered
        dispatch.deliver_pending()
        assert len(receiver.received) == 1
        detail = client.get(f"/settings/webhooks/{subscription.pk}/").content.decode()
        assert "A test ping" in detail and "200" in detail and "thanks" in detail
        delivery = WebhookDelivery.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/settings/webhooks/deliveries/{delivery.pk}/replay/")
        dispatch.deliver_pending()
        assert len(receiver.received) == 2
    assert (
        "replayed by Ava Adams"
        in client.get(f"/settings/webhooks/{subscription.pk}/").content.decode()
    )
    client.post(f"/settings/webhooks/{subscription.pk}/state/", {"state": "paused"})
    subscription.refresh_from_db()
    assert subscription.state == "paused"
    rotated = client.post(f"/settings/webhooks/{subscription.pk}/rotate/")
    subscription.refresh_from_db()
    assert subscription.secret in rotated.content.decode()
    client.post(f"/settings/webhooks/{subscription.pk}/delete/")
    assert not WebhookSubscription.objects.exists()


def test_bad_input_keeps_the_form_with_each_fields_error(cast, as_user):
    client = as_user(cast.hana)
    page = client.post("/settings/webhooks/", {"name": "", "url": "http://10.0.0.1/x"})
    assert page.status_code == 422
    form = page.context["form"]
    assert set(form.errors) == {"name", "events"}
    refused = client.post(
        "/settings/webhooks/",
        {"name": "Lake", "url": "https://10.0.0.1/x", "events": ["cycle.closed"]},
    )
    assert refused.status_code == 422
    assert "private network" in refused.context["form"].errors["url"][0]
    assert not WebhookSubscription.objects.exists()


def test_hr_sees_everyones_and_others_only_their_own(cast, as_user):
    for person in (cast.ava, cast.pia):
        tokens.create_token(acting_user=person, person=person, name="scripts")
    ava_hook = WebhookSubscription.objects.create(
        owner=cast.ava, name="Ava's board", url="http://127.0.0.1:9/a", events=["cycle.closed"]
    )
    assert "Ava&#x27;s board" in as_user(cast.hana).get("/settings/webhooks/").content.decode()
    assert as_user(cast.hana).get(f"/settings/webhooks/{ava_hook.pk}/").status_code == 200
    pia = as_user(cast.pia)
    assert "Ava&#x27;s board" not in pia.get("/settings/webhooks/").content.decode()
    assert pia.get(f"/settings/webhooks/{ava_hook.pk}/").status_code == 404
    assert pia.post(f"/settings/webhooks/{ava_hook.pk}/delete/").status_code == 404
    assert WebhookSubscription.objects.filter(pk=ava_hook.pk).exists()
