"""Benchmark direct messages in Slack on the demo organisation: how fast the outbox sends
reminders as direct messages to a local stand-in for Slack's Web API (each person looked up
by email the first time), and what a check-in from Slack's modal costs the server.

    .venv/bin/python bench/chat_direct_messages.py
    .venv/bin/python bench/chat_direct_messages.py --requests 60

It builds a database of its own (``bench/results/chat.sqlite3``, made afresh each run): the
demo organisation with a Slack app connected and every active person choosing chat for
check-in reminders. It then times:

1. the delivery sweep (``integrations.delivery.deliver_due``) sending one reminder per
   person: the first messages (a ``users.lookupByEmail`` and a ``chat.postMessage`` each),
   then a second round (the Slack user kept: one call each); messages a second;
2. ``POST /chat/slack/interactions/``, a signed ``view_submission`` recording a check-in
   as Jordan, through Django's test client in this process: p50 and p95 in milliseconds and
   its SQL queries.

It prints the figures; it never fails on a timing.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import benchdb

TOKEN = "xoxb-bench-0000-abcdefgh"  # noqa: S105 - the benchmark's own
SIGNING = "0123456789abcdef0123456789abcdef"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--requests", type=int, default=40, help="Modal submissions timed (40).")
    p.add_argument("--warmup", type=int, default=2)
    args = p.parse_args()
    benchdb.RESULTS.mkdir(parents=True, exist_ok=True)
    path = benchdb.RESULTS / "chat.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    benchdb.configure(
        f"sqlite:///{path}",
        "chat",
        LOS_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    sys.path.insert(0, str(benchdb.ROOT / "src"))
    sys.path.insert(0, str(benchdb.ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from tests.chat_api_server import SlackApi

    from lineofsight.demo import loader
    from lineofsight.goals.models import KeyResult
    from lineofsight.integrations import actions as notify
    from lineofsight.integrations import delivery
    from lineofsight.integrations.chat import actions as chat
    from lineofsight.integrations.models import ChatAccount, Notification
    from lineofsight.people.models import Person

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    loader.load_demo()
    people = list(Person.objects.filter(is_active=True).exclude(email="").order_by("pk"))
    hr = next(p for p in people if p.is_hr_admin)
    with (
        SlackApi(TOKEN, {p.email: f"U{p.pk:06d}" for p in people}) as slack,
        override_settings(SLACK_API_URL=slack.url("/api/")),
    ):
        chat.connect_slack(acting_user=hr, bot_token=TOKEN, signing_secret=SIGNING)
        for person in people:
            notify.set_notification_preferences(
                acting_user=person, person=person, channels={"reminder": ["inapp", "chat"]}
            )

        def sweep(run: int) -> None:
            messages = [
                notify.Outgoing(
                    p.pk,
                    Notification.Kind.REMINDER,
                    Notification.Channel.EMAIL,
                    f"reminder:bench:{run}",
                    "Your check-ins are due",
                    "Some key results wait for a check-in.",
                    address=p.email,
                )
                for p in people
            ]
            notify.queue_notifications(acting_user=None, messages=messages, run="bench")
            calls = len(slack.received)
            started = time.perf_counter()
            delivery.deliver_due()
            seconds = time.perf_counter() - started
            sent = Notification.objects.filter(
                channel="slack_dm", state="sent", dedupe_key=f"reminder:bench:{run}"
            ).count()
            print(
                f"sweep {run}: {sent} direct messages (and their emails) in {seconds:.2f} s "
                f"({sent / seconds:.0f} direct messages a second, one process), "
                f"{len(slack.received) - calls} calls to Slack"
            )

        sweep(1)
        sweep(2)
        jordan = Person.objects.get(username="jordan")
        kr = (
            KeyResult.objects.filter(owner=jordan, state="active", source="check_ins")
            .filter(objective__state="active", cycle__state="active")
            .exclude(kind="milestone")
            .order_by("pk")
            .first()
        )
        assert kr is not None
        user_id = ChatAccount.objects.get(person=jordan, kind="slack").user_id
        client = Client()
        counter = [0]

        def submit() -> None:
            counter[0] += 1
            payload = {
                "type": "view_submission",
                "user": {"id": user_id},
                "view": {
                    "id": f"V{counter[0]}",
                    "callback_id": "check_in",
                    "private_metadata": str(kr.pk),
                    "state": {
                        "values": {
                            "value": {"value": {"value": str(counter[0])}},
                            "confidence": {
                                "confidence": {
                                    "type": "static_select",
                                    "selected_option": {"value": "on_track"},
                                }
                            },
                        }
                    },
                },
            }
            body = urlencode({"payload": json.dumps(payload)}).encode()
            stamp = str(int(time.time()))
            base = b"v0:" + stamp.encode() + b":" + body
            signature = "v0=" + hmac.new(SIGNING.encode(), base, hashlib.sha256).hexdigest()
            response = client.post(
                "/chat/slack/interactions/",
                body,
                content_type="application/x-www-form-urlencoded",
                HTTP_X_SLACK_REQUEST_TIMESTAMP=stamp,
                HTTP_X_SLACK_SIGNATURE=signature,
            )
            assert response.json() == {"response_action": "clear"}, response.content

        row = benchdb.timed(
            "check-in from Slack's modal", [submit] * (args.requests + args.warmup), args.warmup
        )
        print(
            f"{row['measure']}: p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, "
            f"queries {row['queries']}"
        )


if __name__ == "__main__":
    main()
