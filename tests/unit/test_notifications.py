"""Notifications' pure parts: the words of each message, webhook addresses and payloads, and
when a failed delivery is tried again."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineofsight.goals import due as due_rules
from lineofsight.goals.pace import PaceStatus
from lineofsight.integrations import compose, retry, webhooks

TODAY = dt.date(2026, 10, 26)  # a Monday


def line(title: str, missed: int = 0, last: dt.date | None = None) -> compose.DueLine:
    d = due_rules.due(
        cycle_start=dt.date(2026, 10, 1),
        cycle_end=dt.date(2026, 12, 31),
        last_check_in=last,
        cadence="weekly",
        today=TODAY,
    )
    return compose.DueLine(1, title, "Build pipeline", "Ava Adams", d)


def digest_line(title: str, **kw: object) -> compose.DigestLine:
    values: dict[str, object] = {
        "key_result_id": 1,
        "objective_id": 2,
        "title": title,
        "objective_title": "Build pipeline",
        "owner_name": "Ava Adams",
        "progress": 0.4,
        "confidence": "at_risk",
        "pace": PaceStatus.ON_TRACK,
        "missed": 0,
        "moved_from": None,
        "checked_in_this_week": False,
    }
    values.update(kw)
    return compose.DigestLine(**values)  # type: ignore[arg-type]


# -- messages ----------------------------------------------------------------------------------


def test_a_reminder_lists_what_is_due_most_overdue_first_and_links_the_check_in_screen() -> None:
    today_due = line("10 past legal review", last=dt.date(2026, 10, 19))
    overdue = line("25 opportunities qualified", last=dt.date(2026, 10, 5))
    message = compose.reminder(
        name="Ava", items=[today_due, overdue], check_in_url="https://okr.example/check-in/"
    )
    assert message.subject == "Check-in overdue: 2 key results waiting for an update"
    body = message.body
    assert body.startswith("Hello Ava,")
    assert body.index("25 opportunities") < body.index("10 past legal review")
    assert "overdue since Mon 12 Oct (2 check-ins missed)" in body
    assert "10 past legal review (Build pipeline): due today" in body
    assert "https://okr.example/check-in/" in body


def test_a_reminder_for_one_key_result_due_today() -> None:
    message = compose.reminder(
        name="Ava", items=[line("6 closes", last=dt.date(2026, 10, 19))], check_in_url="u"
    )
    assert message.subject == "Check-in due today: 1 key result"


def test_long_lists_are_cut_and_counted() -> None:
    items = [line(f"KR {i}", last=dt.date(2026, 10, 19)) for i in range(compose.LIST_LIMIT + 4)]
    body = compose.reminder(name="Ava", items=items, check_in_url="u").body
    assert body.count("  - KR ") == compose.LIST_LIMIT
    assert "… and 4 more" in body


def test_an_escalation_names_the_owner_the_streak_and_the_key_results() -> None:
    message = compose.escalation(
        manager_name="Sam",
        owner_name="Ava Adams",
        items=[line("25 opportunities qualified", last=dt.date(2026, 10, 5))],
        after_misses=2,
        person_url="https://okr.example/people/4/",
        check_in_url="https://okr.example/check-in/",
    )
    assert message.subject == "Ava Adams has missed 2 check-ins in a row"
    assert "25 opportunities qualified" in message.body
    assert "once per streak" in message.body
    assert "https://okr.example/people/4/" in message.body


def test_a_digest_has_attention_missed_and_moved_sections() -> None:
    lines = [
        digest_line("Stale one", pace=PaceStatus.STALE, missed=2, progress=0.1),
        digest_line("Off one", pace=PaceStatus.OFF_TRACK, progress=0.05),
        digest_line("Fine one", pace=PaceStatus.ON_TRACK, progress=0.6),
        digest_line("Moved one", moved_from=0.2, progress=0.5, checked_in_this_week=True),
        digest_line("Same one", moved_from=0.5, progress=0.5, checked_in_this_week=True),
    ]
    data = compose.Digest("Sam", TODAY, dt.date(2026, 10, 19), lines, 0, "https://okr.example/")
    message = compose.digest(data)
    assert message.subject == "Weekly OKR digest, Mon 26 Oct: 2 key results need attention"
    body = message.body
    attention = body[body.index("Needs attention") : body.index("Missed check-ins")]
    assert attention.index("Off one") < attention.index("Stale one")  # worst first
    assert "Fine one" not in attention
    missed = body[body.index("Missed check-ins") : body.index("What moved")]
    assert "Ava Adams: Stale one (2 check-ins missed)" in missed
    moved = body[body.index("What moved") :]
    assert "Moved one (Ava Adams): 20 % → 50 % (+30 points)" in moved
    assert "Same one" not in moved
    assert "(Mon 19 Oct to Sun 25 Oct): 5 key results, 2 checked in during the week" in body


def test_a_quiet_digest_says_so_and_counts_what_was_left_out() -> None:
    message = compose.digest(
        compose.Digest(
            "Sam",
            TODAY,
            dt.date(2026, 10, 19),
            [digest_line("Fine")],
            3,
            "https://okr.example/",
            shared_channel=True,
        )
    )
    assert message.subject.endswith("nothing needs attention")
    assert "Nothing: every key result is on track by pace." in message.body
    assert "3 more key results left out: this channel is shared" in message.body
    one = compose.digest(
        compose.Digest(
            "Sam",
            TODAY,
            dt.date(2026, 10, 19),
            [digest_line("Bad", pace=PaceStatus.AT_RISK)],
            0,
            "u",
        )
    )
    assert one.subject.endswith("1 key result needs attention")


# -- webhook addresses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://hooks.slack.com/services/T000/B000/XXXX", "slack"),
        ("https://acme.webhook.office.com/webhookb2/abc@def/IncomingWebhook/x/y", "teams"),
        ("https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual", "teams"),
        ("https://outlook.office.com/webhook/abc", "teams"),
    ],
)
def test_the_services_own_addresses_are_accepted(url: str, kind: str) -> None:
    assert webhooks.url_problem(url, kind) is None


@pytest.mark.parametrize(
    ("url", "kind", "problem"),
    [
        ("", "slack", "Paste the webhook's address."),
        ("http://hooks.slack.com/services/T/B/X", "slack", "Use the https:// address"),
        ("https://evil.example.com/services/T/B/X", "slack", "not a Slack webhook address"),
        ("https://hooks.slack.com.evil.example/x", "slack", "not a Slack webhook address"),
        ("https://hooks.slack.com/services/T/B/X", "teams", "not a Microsoft Teams webhook"),
        ("https://webhook.office.com/x", "teams", "not a Microsoft Teams webhook"),
        ("https://user:pw@hooks.slack.com/services/T/B/X", "slack", "user name or password"),
        ("https://hooks.slack.com/", "slack", "incomplete"),
        ("https://hooks.slack.com/services /T", "slack", "no spaces"),
        ("ftp://hooks.slack.com/services/T", "slack", "https://"),
        ("https://hooks.slack.com:99999/services/T", "slack", "not a web address"),
        ("https://hooks.slack.com/" + "x" * 1000, "slack", "under 1000"),
    ],
)
def test_other_addresses_are_refused_with_a_reason(url: str, kind: str, problem: str) -> None:
    found = webhooks.url_problem(url, kind)
    assert found is not None and problem in found


def test_operators_may_allow_more_hosts_and_plain_http() -> None:
    url = "http://127.0.0.1:8123/hook"
    assert webhooks.url_problem(url, "slack") is not None
    assert webhooks.url_problem(url, "slack", extra_hosts=["127.0.0.1"]) is not None  # http
    assert webhooks.url_problem(url, "slack", extra_hosts=["127.0.0.1"], allow_http=True) is None
    assert webhooks.url_problem("https://chat.acme.test/h/1", "slack", extra_hosts=["*"]) is None
    assert webhooks.host_allowed("a.b.acme.test", [".acme.test"])
    assert not webhooks.host_allowed("acme.test", [".acme.test"])


def test_a_saved_address_is_only_shown_masked() -> None:
    url = "https://hooks.slack.com/services/T0AAA/B0BBB/SECRETSECRETSECRET9Q2z"
    masked = webhooks.mask_url(url)
    assert masked == "https://hooks.slack.com/…9Q2z"
    assert "SECRET" not in masked and "T0AAA" not in masked


@given(
    host=st.sampled_from(["hooks.slack.com", "acme.webhook.office.com"]),
    secret=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij0123456789/", min_size=8),
)
def test_masking_keeps_only_the_host_and_the_last_four_characters(host: str, secret: str) -> None:
    url = f"https://{host}/{secret}"
    masked = webhooks.mask_url(url)
    assert masked == f"https://{host}/…{url[-4:]}"
    assert len(masked) == len(f"https://{host}/") + 5


def test_payloads_for_slack_and_teams() -> None:
    slack = webhooks.payload_for("slack", "Weekly digest", "Line one\n\nLine two")
    assert slack["text"].startswith("*Weekly digest*\nLine one")
    teams = webhooks.payload_for("teams", "Weekly digest", "Line one\n\nLine two")
    card = teams["attachments"][0]["content"]
    assert teams["type"] == "message"
    assert card["type"] == "AdaptiveCard"
    assert [b["text"] for b in card["body"]] == ["Weekly digest", "Line one", "Line two"]


# -- retries -----------------------------------------------------------------------------------


def test_failed_deliveries_back_off_then_stop() -> None:
    delays = [retry.retry_delay(n) for n in range(1, retry.MAX_ATTEMPTS + 1)]
    assert delays == [60, 300, 1800, 7200, None]
    assert retry.retry_delay(1, permanent=True) is None


@given(st.integers(min_value=1, max_value=retry.MAX_ATTEMPTS - 2))
def test_each_wait_is_longer_than_the_last(attempts: int) -> None:
    first, second = retry.retry_delay(attempts), retry.retry_delay(attempts + 1)
    assert first is not None and second is not None and second > first
