"""/api/webhooks: subscriptions, their secret (once), deliveries with their attempts, replays;
who sees and changes what; bad input."""

from __future__ import annotations

import json
import time

from lineofsight.core import audit
from lineofsight.goals import actions as goals
from lineofsight.integrations.outbound import dispatch, signing
from lineofsight.integrations.outbound.models import WebhookDelivery, WebhookSubscription

from ..webhook_receiver import Receiver


def test_create_list_change_rotate_and_delete(as_person, cast):
    ava = as_person("ava")
    with Receiver() as receiver:
        created = ava.post(
            "/webhooks",
            {"name": "CRM", "url": receiver.url(), "events": ["objective.created", "cycle.closed"]},
        )
        assert created.status_code == 201, created.content
        body = created.json()
        assert body["secret"].startswith("whsec_")
        assert body["events"] == ["objective.created", "cycle.closed"]
        assert body["owner"] == cast.ava.pk and body["state"] == "active"
        pk = body["id"]
        # The secret is never returned again.
        got = ava.get(f"/webhooks/{pk}").json()
        assert "secret" not in got
        assert ava.get("/webhooks").json()["count"] == 1
        changed = ava.patch(f"/webhooks/{pk}", {"state": "paused", "name": "CRM sync"})
        assert changed.status_code == 200
        assert (changed.json()["state"], changed.json()["name"]) == ("paused", "CRM sync")
        rotated = ava.post(f"/webhooks/{pk}/rotate-secret").json()["secret"]
        assert rotated != body["secret"]
        assert WebhookSubscription.objects.get(pk=pk).secret == rotated
        assert ava.delete(f"/webhooks/{pk}").status_code == 204
    assert not WebhookSubscription.objects.exists()
    assert list(
        audit.AuditEvent.objects.filter(action__startswith="webhook.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["webhook.create", "webhook.update", "webhook.rotate_secret", "webhook.delete"]


def test_bad_input_names_the_field_and_changes_nothing(as_person):
    ava = as_person("ava")
    wrong = ava.post(
        "/webhooks", {"name": "x", "url": "https://10.0.0.8/hook", "events": ["cycle.closed"]}
    )
    assert wrong.status_code == 422
    assert "private" in wrong.json()["errors"]["url"][0]
    unknown = ava.post(
        "/webhooks", {"name": "x", "url": "http://127.0.0.1:9/x", "events": ["nope"]}
    )
    assert unknown.status_code == 422
    assert "events" in json.dumps(unknown.json()["errors"])
    extra = ava.post(
        "/webhooks", {"name": "x", "url": "http://127.0.0.1:9/x", "events": [], "secret": "mine"}
    )
    assert extra.status_code == 422
    assert not WebhookSubscription.objects.exists()


def test_others_subscriptions_are_hidden_and_hr_sees_and_manages_them(as_person, cast):
    ava, pia, hana = as_person("ava"), as_person("pia"), as_person("hana")
    pk = ava.post(
        "/webhooks", {"name": "Mine", "url": "http://127.0.0.1:9/x", "events": ["cycle.closed"]}
    ).json()["id"]
    assert pia.get(f"/webhooks/{pk}").status_code == 404
    assert pia.patch(f"/webhooks/{pk}", {"name": "Hers"}).status_code == 404
    assert pia.get(f"/webhooks/{pk}/deliveries").status_code == 404
    assert pia.get("/webhooks").json()["count"] == 0
    assert hana.get("/webhooks").json()["items"][0]["owner_name"] == "Ava Adams"
    assert hana.post(f"/webhooks/{pk}/ping").status_code == 202


def test_only_hr_and_token_holders_subscribe(cast, client):
    client.force_login(cast.dev)  # signed in, no API token
    refused = client.post(
        "/api/webhooks",
        json.dumps({"name": "x", "url": "http://127.0.0.1:9/x", "events": ["cycle.closed"]}),
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_deliveries_with_their_attempts_and_a_replay(
    as_person, cast, django_capture_on_commit_callbacks
):
    sam = as_person("sam")
    with Receiver() as receiver:
        created = sam.post(
            "/webhooks",
            {"name": "Sales", "url": receiver.url(), "events": ["objective.created"]},
        ).json()
        with django_capture_on_commit_callbacks(execute=True):
            objective = goals.create_objective(
                acting_user=cast.sam,
                title="Open the Nordics",
                level="team",
                cycle=cast.q4,
                owner_team=cast.sales,
            )
        receiver.answer_next(503)
        dispatch.deliver_pending()
        page = sam.get(f"/webhooks/{created['id']}/deliveries").json()
        (delivery,) = page["items"]
        assert delivery["event"] == "objective.created"
        assert delivery["state"] == "pending"
        assert [(a["number"], a["status_code"], a["ok"]) for a in delivery["log"]] == [
            (1, 503, False)
        ]
        data = json.loads(delivery["body"])["data"]
        assert (data["id"], data["title"]) == (objective.pk, "Open the Nordics")
        # Replaying a pending delivery is refused; once it failed for good, it is sent again.
        WebhookDelivery.objects.filter(pk=delivery["id"]).update(state="failed")
        with django_capture_on_commit_callbacks(execute=True):
            replayed = sam.post(f"/webhooks/deliveries/{delivery['id']}/replay")
        assert replayed.status_code == 202, replayed.content
        assert sam.post(f"/webhooks/deliveries/{delivery['id']}/replay").status_code == 422
        dispatch.deliver_pending()
        sent = receiver.received[-1]
    signing.verify(
        created["secret"], sent.headers["x-lineofsight-signature"], sent.body, now=time.time()
    )
    after = sam.get(f"/webhooks/{created['id']}/deliveries").json()["items"][0]
    assert after["state"] == "delivered"
    assert after["log"][-1]["replay"] is True
    assert as_person("pia").post(f"/webhooks/deliveries/{delivery['id']}/replay").status_code == 404


def test_the_events_catalogue(as_person):
    names = [e["name"] for e in as_person("dev").get("/webhooks/events").json()]
    assert names[0] == "check_in.recorded" and "review.shared" in names
