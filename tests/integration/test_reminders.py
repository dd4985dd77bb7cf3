"""``lineofsight remind``: reminders, escalations and digests; the outbox and its delivery.

The cast's quarter Q4 2026 starts on Thursday 1 October; the digest goes out on Mondays (the
default weekday). Days are passed with ``--today``; check-ins are recorded at fixed instants.
"""

from __future__ import annotations

import datetime as dt
import logging
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions
from lineofsight.integrations import actions as notify
from lineofsight.integrations import delivery, planning
from lineofsight.integrations.delivery import deliver_notification
from lineofsight.integrations.models import Notification
from lineofsight.integrations.retry import MAX_ATTEMPTS
from lineofsight.people import actions as people_actions

from ..chat_server import ChatServer
from ..okrs import build_cascade

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 10, 19)
TUESDAY = dt.date(2026, 10, 20)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def check_in(person, kr, day: dt.date, value: float = 1) -> None:
    actions.record_check_in(
        acting_user=person, key_result=kr, value=value, confidence="on_track", at=at(day)
    )


def remind(*args: str) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def rows(kind: str | None = None) -> list[tuple[str, str, str, str]]:
    qs = Notification.objects.order_by("recipient__username", "kind", "channel", "dedupe_key")
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.values_list("recipient__username", "kind", "channel", "dedupe_key"))


def mails_to(username: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [f"{username}@acme.test"]]


@pytest.fixture
def cascade(cast):
    c = build_cascade(cast)
    # Sam is up to date; Ava checked in on one key result; Dev never did.
    check_in(cast.sam, c.logos, dt.date(2026, 10, 15))
    check_in(cast.sam, c.sales_opps, dt.date(2026, 10, 15))
    check_in(cast.ava, c.ava_opps, dt.date(2026, 10, 13))
    return c


# -- reminders -----------------------------------------------------------------------------


def test_reminders_go_to_owners_with_key_results_due(cast, cascade):
    people_actions.update_organisation(acting_user=None, escalate_after_misses=5)
    out = remind("--today", TUESDAY.isoformat())
    # One reminder each for the week of Monday 19 October, listing all that is due.
    assert rows("reminder") == [
        ("ava", "reminder", "email", "reminder:weekly:2026-10-19"),
        ("dev", "reminder", "email", "reminder:weekly:2026-10-19"),
    ]
    assert "2 check-in reminders queued (0 sent before)" in out
    assert rows("escalation") == []
    [ava] = mails_to("ava")
    assert ava.subject == "Check-in overdue: 3 key results waiting for an update"
    assert (
        "25 opportunities qualified from outbound (Build and close enterprise pipeline for "
        "the team quota): due today" in ava.body
    )
    assert "6 new enterprise closes" in ava.body and "overdue since Wed 7 Oct" in ava.body
    assert "http://127.0.0.1:8000/check-in/" in ava.body
    # Sam, up to date, gets only his weekly digest (Monday had no run).
    assert [m.subject.startswith("Weekly OKR digest") for m in mails_to("sam")] == [True]
    assert Notification.objects.filter(state="sent", kind="reminder").count() == 2


def test_running_twice_sends_nothing_twice(cast, cascade):
    def reminded() -> list[str]:
        return [m.to[0].split("@")[0] for m in mail.outbox if m.subject.startswith("Check-in")]

    remind("--today", TUESDAY.isoformat())
    sent = len(mail.outbox)
    assert sent == Notification.objects.count() > 0
    again = remind("--today", TUESDAY.isoformat())
    assert "0 check-in reminders queued (2 sent before)" in again
    assert "Delivery: nothing to deliver" in again
    assert len(mail.outbox) == sent
    # Later in the same week more key results fall due (Ava's on the 21st): Ava and Dev hear
    # nothing more this week; Sam, whose key results fall due on the 22nd, is reminded once.
    for day in ("2026-10-21", "2026-10-22", "2026-10-25"):
        remind("--today", day)
    assert sorted(reminded()) == ["ava", "dev", "sam"]
    # The next week, whoever is still due is reminded once more.
    remind("--today", "2026-10-27")
    remind("--today", "2026-10-28")
    assert sorted(reminded()) == ["ava", "ava", "dev", "dev", "sam", "sam"]


def test_reminders_list_only_what_the_owner_may_see(cast, cascade):
    hidden = actions.create_objective(
        acting_user=cast.eli,
        title="Eli's private plan",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.eli,
        visibility="private",
    )
    actions.create_key_result(
        acting_user=cast.eli,
        objective=hidden,
        title="Secret help from Ava",
        kind="increase",
        start_value=0,
        target_value=5,
        owner=cast.ava,
    )
    remind("--today", TUESDAY.isoformat())
    [ava] = mails_to("ava")
    assert "Secret help from Ava" not in ava.body


# -- escalations -----------------------------------------------------------------------------


def test_escalation_after_repeated_misses_once_per_streak(cast, cascade):
    c = cascade
    remind("--today", "2026-10-14")  # Ava's first check-ins were due on the 7th: 1 missed
    assert rows("escalation") == []
    remind("--today", "2026-10-15")  # 2 missed in a row
    assert rows("escalation") == [
        ("eli", "escalation", "email", f"escalation:{cast.dev.pk}:2026-10-07"),
        ("sam", "escalation", "email", f"escalation:{cast.ava.pk}:2026-10-07"),
    ]
    [to_sam] = [m for m in mails_to("sam") if "missed" in m.subject]
    assert to_sam.subject == "Ava Adams has missed 2 check-ins in a row"
    assert "10 past legal review" in to_sam.body and "6 new enterprise closes" in to_sam.body
    assert "25 opportunities" not in to_sam.body  # checked in on the 13th
    assert f"http://127.0.0.1:8000/people/{cast.ava.pk}/" in to_sam.body
    remind("--today", "2026-10-29")  # the same streak: no second escalation
    assert len(rows("escalation")) == 2
    for kr in (c.ava_opps, c.ava_legal, c.ava_closes):
        check_in(cast.ava, kr, dt.date(2026, 10, 30))
    remind("--today", "2026-11-13")  # due on 6 Nov, 1 missed: not yet
    to_sam = [r for r in rows("escalation") if r[0] == "sam"]
    assert to_sam == [("sam", "escalation", "email", f"escalation:{cast.ava.pk}:2026-10-07")]
    remind("--today", "2026-11-14")  # a new streak, escalated again
    assert [r[3] for r in rows("escalation") if r[0] == "sam"] == [
        f"escalation:{cast.ava.pk}:2026-10-07",
        f"escalation:{cast.ava.pk}:2026-11-06",
    ]


def test_the_escalation_count_is_the_organisations(cast, cascade):
    people_actions.update_organisation(acting_user=None, escalate_after_misses=3)
    remind("--today", "2026-10-21")  # 2 missed
    assert rows("escalation") == []
    remind("--today", "2026-10-22")  # 3 missed
    assert {r[0] for r in rows("escalation")} == {"sam", "eli"}


def test_a_key_result_added_today_is_neither_reminded_nor_escalated(cast):
    """Set up on 23 November, in the eighth week of Q4: its first check-in is due a week
    later. Counting from the quarter's start would call it 7 check-ins behind and escalate
    to Dev's manager."""
    objective = actions.create_objective(
        acting_user=cast.dev,
        title="Make the build fast",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.dev,
        at=at(dt.date(2026, 11, 23), 9),
    )
    actions.create_key_result(
        acting_user=cast.dev,
        objective=objective,
        title="Build under 5 minutes",
        kind="decrease",
        start_value=20,
        target_value=5,
        owner=cast.dev,
        at=at(dt.date(2026, 11, 23), 9),
    )
    remind("--today", "2026-11-23")
    assert rows("reminder") == [] and rows("escalation") == []
    remind("--today", "2026-11-29")  # due today: reminded, nothing to escalate
    assert rows("reminder") == [("dev", "reminder", "email", "reminder:weekly:2026-11-23")]
    assert rows("escalation") == []


def test_nobody_is_escalated_without_a_manager(cast, cascade):
    company = cascade.company
    actions.create_key_result(
        acting_user=cast.cora,
        objective=company,
        title="Board approves the plan",
        kind="milestone",
        owner=cast.cora,
        cycle=cast.q4,
        at=at(dt.date(2026, 10, 1)),
    )
    remind("--today", "2026-10-30")
    assert ("cora", "reminder", "email", "reminder:weekly:2026-10-26") in rows()
    assert all(key != f"escalation:{cast.cora.pk}" for *_, key in rows())
    assert not Notification.objects.filter(
        kind="escalation", dedupe_key__startswith=f"escalation:{cast.cora.pk}:"
    ).exists()


# -- digests ---------------------------------------------------------------------------------


def test_the_digest_goes_out_on_the_digest_weekday_to_managers_and_leads(cast, cascade):
    remind("--today", "2026-10-18")  # Sunday: the week of Monday 12 October
    assert {key for *_, key in rows("digest")} == {"digest:2026-10-12"}
    out = remind("--today", MONDAY.isoformat())
    assert rows("digest") == [
        ("cora", "digest", "email", "digest:2026-10-12"),
        ("cora", "digest", "email", "digest:2026-10-19"),
        ("eli", "digest", "email", "digest:2026-10-12"),
        ("eli", "digest", "email", "digest:2026-10-19"),
        ("sam", "digest", "email", "digest:2026-10-12"),
        ("sam", "digest", "email", "digest:2026-10-19"),
    ]
    assert "3 weekly digests queued (0 sent before)" in out
    assert "Digest week from Mon 19 Oct." in out
    [digest] = [m for m in mails_to("sam") if "Mon 19 Oct" in m.subject]
    assert digest.subject.startswith("Weekly OKR digest, Mon 19 Oct")


def test_a_week_whose_digest_day_had_no_run_catches_up_at_the_next_run(cast, cascade):
    out = remind("--today", TUESDAY.isoformat())
    assert rows("digest") == [
        ("cora", "digest", "email", "digest:2026-10-19"),
        ("eli", "digest", "email", "digest:2026-10-19"),
        ("sam", "digest", "email", "digest:2026-10-19"),
    ]
    assert "3 weekly digests queued (0 sent before)" in out
    [digest] = [m for m in mails_to("sam") if "digest" in m.subject]
    # The figures and "what moved" are as of the catch-up run.
    assert digest.subject.startswith("Weekly OKR digest, Tue 20 Oct")
    sent = len(mail.outbox)
    # Later runs in the week, and the same day again, send no other digest.
    for day in ("2026-10-20", "2026-10-22", "2026-10-25"):
        again = remind("--today", day)
        assert "0 weekly digests queued (3 sent before)" in again
    assert len(rows("digest")) == 3
    assert [m for m in mail.outbox[sent:] if "digest" in m.subject] == []
    # A dry run says the same and records nothing.
    dry = remind("--today", "2026-10-23", "--dry-run")
    assert "0 weekly digests (" in dry and "Digest week from Mon 19 Oct." in dry
    # The next week's first run sends the next digest.
    remind("--today", "2026-10-26")
    assert sorted(key for *_, key in rows("digest")) == [
        *["digest:2026-10-19"] * 3,
        *["digest:2026-10-26"] * 3,
    ]


def test_moving_the_digest_weekday_never_sends_two_digests_in_one_week(cast, cascade):
    remind("--today", MONDAY.isoformat())
    assert len(rows("digest")) == 3
    people_actions.update_organisation(acting_user=None, digest_weekday=2)  # Wednesdays
    out = remind("--today", "2026-10-21")
    assert "0 weekly digests queued (3 sent before)" in out
    assert "Digest week from Wed 21 Oct." in out
    assert len(rows("digest")) == 3
    remind("--today", "2026-10-27")  # still the week of Wednesday 21 October
    assert len(rows("digest")) == 3
    remind("--today", "2026-10-28")
    assert sorted({key for *_, key in rows("digest")}) == ["digest:2026-10-19", "digest:2026-10-28"]
    assert len(rows("digest")) == 6


def test_the_digest_catch_up_takes_a_fixed_number_of_queries(cast, cascade):
    def queries(day: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            planning.plan_run(dt.date.fromisoformat(day), site_url="http://okr.test")
        return len(ctx.captured_queries)

    due_now = queries("2026-10-21")  # digests still to send: a catch-up
    remind("--today", "2026-10-21")
    sent = queries("2026-10-22")  # sent this week: nothing more to decide for them
    assert sent < due_now
    assert planning.plan_run(dt.date(2026, 10, 22), site_url="x").digests_before == 3


def test_a_digest_shows_pace_missed_check_ins_and_what_moved(cast, cascade):
    c = cascade
    check_in(cast.ava, c.ava_legal, dt.date(2026, 10, 8), value=2)  # 20 %
    check_in(cast.ava, c.ava_legal, dt.date(2026, 10, 14), value=4)  # 40 %, this week
    remind("--today", MONDAY.isoformat())
    [digest] = [m for m in mails_to("sam") if "digest" in m.subject]
    body = digest.body
    moved = body[body.index("What moved") :]
    assert "10 past legal review (Ava Adams): 20 % → 40 % (+20 points)" in moved
    # 25 opportunities: first reading of the cycle this week, from nothing to 4 %.
    assert "25 opportunities qualified from outbound (Ava Adams): 0 % → 4 %" in moved
    missed = body[body.index("Missed check-ins") : body.index("What moved")]
    assert "Ava Adams: 6 new enterprise closes (2 check-ins missed)" in missed
    attention = body[body.index("Needs attention") : body.index("Missed check-ins")]
    assert "Stale: check-in overdue: 6 new enterprise closes" in attention
    assert "Off track: 25 opportunities" in attention  # 4 % against 20 % expected


def test_a_digest_lists_only_what_its_recipient_may_see(cast, cascade):
    hidden = actions.create_objective(
        acting_user=cast.eli,
        title="Eli's private plan",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.eli,
        visibility="private",
    )
    actions.create_key_result(
        acting_user=cast.eli,
        objective=hidden,
        title="Secret help from Ava",
        kind="increase",
        start_value=0,
        target_value=5,
        owner=cast.ava,
    )
    remind("--today", MONDAY.isoformat())
    [to_sam] = [m for m in mails_to("sam") if "digest" in m.subject]
    assert "Secret help" not in to_sam.body
    assert "1 more key result left out: you cannot see their objectives" in to_sam.body


def test_people_may_turn_their_digest_off(cast, cascade):
    notify.set_notification_preferences(acting_user=cast.eli, person=cast.eli, digest="off")
    remind("--today", MONDAY.isoformat())
    assert [r[0] for r in rows("digest")] == ["cora", "sam"]
    # Reminders and escalations have no switch.
    assert ("eli", "escalation") in {(r[0], r[1]) for r in rows()}


def test_a_digest_in_the_teams_chat_channel_lists_public_objectives_only(cast, cascade, settings):
    settings.WEBHOOK_EXTRA_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_ALLOW_HTTP = True
    private = actions.create_objective(
        acting_user=cast.ava,
        title="Ava's private stretch",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    actions.create_key_result(
        acting_user=cast.ava,
        objective=private,
        title="Private stretch key result",
        kind="increase",
        start_value=0,
        target_value=3,
        owner=cast.ava,
    )
    with ChatServer() as slack, ChatServer() as teams:
        notify.set_team_webhook(
            acting_user=cast.sam, team=cast.enterprise, kind="slack", url=slack.url()
        )
        notify.set_team_webhook(
            acting_user=cast.eli, team=cast.platform, kind="teams", url=teams.url("/wf/1")
        )
        notify.set_notification_preferences(
            acting_user=cast.sam,
            person=cast.sam,
            digest_channel="chat",
            digest_team=cast.enterprise,
        )
        notify.set_notification_preferences(
            acting_user=cast.eli, person=cast.eli, digest_channel="chat"
        )
        notify.set_notification_preferences(
            acting_user=cast.cora, person=cast.cora, digest_channel="chat"
        )
        remind("--today", MONDAY.isoformat())
        assert rows("digest") == [
            ("cora", "digest", "email", "digest:2026-10-19"),  # Acme has no channel
            ("eli", "digest", "teams", "digest:2026-10-19"),
            ("sam", "digest", "slack", "digest:2026-10-19"),
        ]
        [(path, posted)] = slack.received
        assert path == "/services/T0/B0/secret"
        assert "*Weekly OKR digest, Mon 19 Oct" in posted["text"]
        assert "6 new enterprise closes" in posted["text"]
        assert "Private stretch" not in posted["text"]
        assert "1 more key result left out: this channel is shared" in posted["text"]
        [(_, card)] = teams.received
        assert card["attachments"][0]["content"]["type"] == "AdaptiveCard"
        assert "Healthcare edition" in str(card)
    [to_cora] = [m for m in mails_to("cora") if "digest" in m.subject]
    assert to_cora.body.startswith("Your digest is set to go to your team's chat channel")
    assert Notification.objects.filter(kind="digest", state="sent").count() == 3


# -- delivery: retries, failures, the task API --------------------------------------------------


def test_failed_deliveries_are_retried_logged_and_kept(cast, cascade, settings, caplog):
    settings.EMAIL_BACKEND = "tests.failing_mail.Backend"
    caplog.set_level(logging.WARNING, logger="lineofsight.notifications")
    remind("--today", TUESDAY.isoformat())
    reminder = Notification.objects.get(recipient=cast.ava, kind="reminder")
    assert (reminder.state, reminder.attempts) == ("pending", 1)
    assert "Connection refused" in reminder.last_error
    assert reminder.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
    assert "failed on attempt 1" in caplog.text
    # Running again before the retry time neither sends nor tries.
    remind("--today", TUESDAY.isoformat())
    assert Notification.objects.get(pk=reminder.pk).attempts == 1
    # Each later run tries again once the wait is over, until the last attempt.
    moment = timezone.now()
    for _ in range(MAX_ATTEMPTS - 1):
        moment += dt.timedelta(hours=3)
        delivery.deliver_due(now=moment)
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == ("failed", MAX_ATTEMPTS)
    assert "Connection refused" in reminder.last_error
    assert f"failed for good after {MAX_ATTEMPTS} attempt(s)" in caplog.text
    # Failed is final until HR retries: nothing picks it up on its own.
    assert delivery.deliver_due(now=moment + dt.timedelta(days=1)).outcomes == {}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notify.retry_notifications(acting_user=cast.hana, notifications=[reminder]) == 1
    out = remind("--today", TUESDAY.isoformat())
    assert "sent" in out
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts, reminder.last_error) == ("sent", 1, "")
    assert len(mails_to("ava")) == 1


def test_a_chat_channel_that_fails_is_retried_and_its_address_never_logged(
    cast, cascade, settings, caplog
):
    settings.WEBHOOK_EXTRA_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_ALLOW_HTTP = True
    with ChatServer() as slack:
        notify.set_team_webhook(
            acting_user=cast.sam, team=cast.enterprise, kind="slack", url=slack.url()
        )
        notify.set_notification_preferences(
            acting_user=cast.sam, person=cast.sam, digest_channel="chat"
        )
        slack.fail_next(500)
        remind("--today", MONDAY.isoformat())
        digest = Notification.objects.get(recipient=cast.sam, kind="digest")
        assert (digest.state, digest.attempts) == ("pending", 1)
        assert digest.last_error.startswith("The channel answered 500")
        assert "secret" not in digest.last_error and "secret" not in caplog.text
        delivery.deliver_due(now=timezone.now() + dt.timedelta(minutes=2))
        digest.refresh_from_db()
        assert (digest.state, digest.attempts) == ("sent", 2)
        assert len(slack.received) == 1


def test_a_disconnected_channel_fails_at_once_and_is_kept(cast, cascade, settings):
    settings.WEBHOOK_EXTRA_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_ALLOW_HTTP = True
    hook = notify.set_team_webhook(
        acting_user=cast.sam, team=cast.enterprise, kind="slack", url="http://127.0.0.1:9/x"
    )
    notify.set_notification_preferences(
        acting_user=cast.sam, person=cast.sam, digest_channel="chat"
    )
    plan = planning.plan_run(MONDAY, site_url="http://okr.test")
    notify.queue_notifications(acting_user=None, messages=plan.messages)
    notify.remove_team_webhook(acting_user=cast.sam, webhook=hook)
    delivery.deliver_due()
    digest = Notification.objects.get(recipient=cast.sam, kind="digest")
    assert (digest.state, digest.attempts) == ("failed", 1)
    assert digest.last_error == "The team's chat channel was disconnected."


def test_a_notification_is_sent_once_however_often_it_is_enqueued(cast, cascade):
    plan = planning.plan_run(TUESDAY, site_url="http://okr.test")
    notify.queue_notifications(acting_user=None, messages=plan.messages)
    row = Notification.objects.get(recipient=cast.ava, kind="reminder")
    first = deliver_notification.enqueue(row.pk, 0)
    second = deliver_notification.enqueue(row.pk, 0)
    assert (first.return_value, second.return_value) == ("sent", "skipped")
    assert len(mails_to("ava")) == 1


def test_queueing_writes_one_audit_row_per_run_and_refuses_non_hr(cast, cascade):
    before = AuditEvent.objects.filter(action="notifications.queue").count()
    remind("--today", TUESDAY.isoformat())
    event = AuditEvent.objects.filter(action="notifications.queue").latest("pk")
    assert AuditEvent.objects.filter(action="notifications.queue").count() == before + 1
    # Monday had no run, so the week's digests go out with Tuesday's.
    assert event.data["queued"] == {"reminder": 2, "escalation": 2, "digest": 3}
    from lineofsight.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        notify.queue_notifications(acting_user=cast.ava, messages=[])
    with pytest.raises(NotAllowed):
        notify.retry_notifications(acting_user=cast.sam, notifications=[])


# -- the command -----------------------------------------------------------------------------


def test_a_dry_run_prints_and_records_nothing(cast, cascade):
    audit = AuditEvent.objects.count()
    out = remind("--today", MONDAY.isoformat(), "--dry-run", "--verbose-messages")
    assert (
        "Dry run for 2026-10-19: would send 2 check-in reminders, 2 escalations, 3 weekly"
        " digests (0 sent before)." in out
    )
    assert "reminder   to Ava Adams <ava@acme.test>: Check-in overdue" in out
    assert "Hello Ava Adams," in out
    assert "Nothing was sent or recorded." in out
    assert (Notification.objects.count(), len(mail.outbox)) == (0, 0)
    assert AuditEvent.objects.count() == audit
    remind("--today", MONDAY.isoformat())
    assert "(7 sent before)" in remind("--today", MONDAY.isoformat(), "--dry-run")


def test_the_loop_runs_until_its_count_and_sends_nothing_twice(cast, cascade):
    out = remind("--loop", "--runs", "2", "--interval", "1")
    assert out.count("Delivery:") == 2
    second = out.strip().splitlines()[-2]
    assert "0 check-in reminders queued" in second


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--loop", "--today", "2026-10-19"], "--today: a loop follows the calendar"),
        (["--loop", "--dry-run"], "--dry-run: a dry run is a single run"),
        (["--runs", "2"], "--runs"),
        (["--loop", "--interval", "0"], "--interval"),
        (["--today", "19/10/2026"], "--today: '19/10/2026' is not a date"),
        (["--today", "9999-12-31"], "--today: Enter a date in the years 1900 to 9998."),
    ],
)
def test_bad_arguments_are_refused(cast, args, message):
    with pytest.raises(CommandError, match=message):
        remind(*args)
    assert Notification.objects.count() == 0


def test_planning_runs_a_fixed_number_of_queries(cast, cascade):
    """Neither the check-in history nor the number of people or recipients adds queries: the
    access policy is applied to every recipient from rows loaded once."""

    def planned() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            plan = planning.plan_run(MONDAY, site_url="http://okr.test")
        return len(ctx.captured_queries), plan.recipients_checked

    queries, recipients = planned()
    for week in range(2, 12):
        check_in(cast.sam, cascade.logos, dt.date(2026, 10, 1) + dt.timedelta(days=week))
    for i in range(4):  # four more owners, each with an overdue key result and a manager
        person = people_actions.create_person(
            acting_user=None,
            username=f"rep{i}",
            display_name=f"Rep {i}",
            email=f"rep{i}@acme.test",
            manager=cast.pia,
            check_password=False,
        )
        objective = actions.create_objective(
            acting_user=person,
            title=f"Rep {i}'s plan",
            level="individual",
            cycle=cast.q4,
            owner_person=person,
            visibility="team" if i % 2 else "private",
            at=at(dt.date(2026, 10, 1)),
        )
        actions.create_key_result(
            acting_user=person,
            objective=objective,
            title=f"Rep {i}'s key result",
            kind="milestone",
            owner=person,
            at=at(dt.date(2026, 10, 1)),
        )
    more_queries, more_recipients = planned()
    assert more_recipients == recipients + 5  # four reps and their manager, Pia
    # One query more since one-on-ones: the meetings held tomorrow (their reminders).
    assert more_queries == queries <= 17


def test_delivery_works_where_the_database_cannot_return_updated_rows(cast, cascade, monkeypatch):
    from lineofsight.integrations import delivery

    monkeypatch.setattr(delivery, "_returns_updated_rows", lambda: False)
    remind("--today", TUESDAY.isoformat())
    assert Notification.objects.filter(state="sent").count() == len(mail.outbox) == 7
